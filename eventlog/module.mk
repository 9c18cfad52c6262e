# eventlog: the audit log as Windows' event log over [MS-EVEN] (served by srvsvcd).
$(eval $(call add_library,eventlog,$(wildcard eventlog/*.c)))
