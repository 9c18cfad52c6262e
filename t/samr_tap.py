# Shared by t/samr-impacket.py and t/samr-policy-impacket.py: TAP lines
# without a plan, and impacket's samr pipe on the appliance.
import sys

from impacket.dcerpc.v5 import samr, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException


class Tap:
    def __init__(self, prefix):
        self.prefix = prefix
        self.n = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print(('ok' if cond else 'not ok') + ' %d - %s: %s' % (self.n, self.prefix, name))
        if not cond and diag is not None:
            for line in str(diag).splitlines():
                print('# ' + line)
        sys.stdout.flush()
        return cond


def connect(port, user, password):
    """A samr binding over \\pipe\\samr on 127.0.0.1:port as user."""
    t = transport.DCERPCTransportFactory(r'ncacn_np:127.0.0.1[\pipe\samr]')
    t.set_dport(int(port))
    t.set_credentials(user, password)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(samr.MSRPC_UUID_SAMR)
    return dce


def status_of(call):
    """0, or the NTSTATUS of the fault (the exception's text if it has none)."""
    try:
        call()
        return 0
    except DCERPCException as e:
        code = e.get_error_code()
        return code if code is not None else str(e)
