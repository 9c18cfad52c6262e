# drivers/srv: the SMB2/SMB3 server driver (srv.so, loaded by lwiod).
#
# The protocol engine is also linked straight into its unit tests, its fuzz
# target and a small stand-alone test server (build/t/srv-test-server), so the
# protocol can be tested with real clients before and apart from lwiod.
SRV_SOURCES := $(sort $(wildcard drivers/srv/*.c drivers/srv/smb2/*.c))
SRV_OBJECTS := $(patsubst %.c,$(B)/%.o,$(SRV_SOURCES))
# The libraries srv's own programs link. Named here rather than taken from
# $(LIBRARY_FILES), which is still incomplete when this file is read (make
# expands a rule's prerequisites as it reads them).
SRV_LIBS := $(B)/lib/libswbase.a $(B)/lib/liblsass_client.a $(B)/lib/liblwiod.a \
            $(B)/lib/libregistry.a $(B)/lib/libsharedb.a $(B)/lib/libsam.a

$(eval $(call add_driver,srv,$(SRV_SOURCES)))
# A driver is loaded into lwiod, which may not link OpenSSL itself: record the
# dependency in srv.so (--as-needed would drop it, the libraries come first).
$(B)/drivers/srv.so: SW_LDFLAGS += -Wl,--no-as-needed $(OPENSSL_LIBS) -lpthread

# t/srv-*.c unit tests link the engine's objects (a more specific pattern than
# the generic t/%.t rule, so make prefers it).
$(B)/t/srv-%.t: $(B)/t/srv-%.o $(B)/t/tap/tap.o $(SRV_OBJECTS) $(SRV_LIBS)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -rdynamic -o $@ $< $(B)/t/tap/tap.o $(SRV_OBJECTS) \
	    -Wl,--start-group $(SRV_LIBS) -Wl,--end-group $(PKG_LIBS)

$(B)/fuzz/smb2_%-replay: $(B)/fuzz/smb2_%.o $(B)/fuzz/replay/replay.o $(SRV_OBJECTS) $(SRV_LIBS)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -rdynamic -o $@ $< $(B)/fuzz/replay/replay.o $(SRV_OBJECTS) \
	    -Wl,--start-group $(SRV_LIBS) -Wl,--end-group $(PKG_LIBS)

$(B)/fuzz/smb2_%-fuzzer: $(B)/fuzz/smb2_%.o $(SRV_OBJECTS) $(SRV_LIBS)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(SRV_OBJECTS) \
	    -Wl,--start-group $(SRV_LIBS) -Wl,--end-group $(PKG_LIBS)

# The stand-alone test server (see drivers/srv/test/srv-test-server.c), built
# with the tests; script tests find it as $SW_BUILD/t/srv-test-server.
$(B)/t/srv-test-server: $(B)/drivers/srv/test/srv-test-server.o $(SRV_OBJECTS) $(SRV_LIBS)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -o $@ $< $(SRV_OBJECTS) \
	    -Wl,--start-group $(SRV_LIBS) -Wl,--end-group $(PKG_LIBS)

check-build: $(B)/t/srv-test-server

# The durable-state parser's fuzz target links the engine's objects too.
$(B)/fuzz/srv_%-replay: $(B)/fuzz/srv_%.o $(B)/fuzz/replay/replay.o $(SRV_OBJECTS) $(SRV_LIBS)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -rdynamic -o $@ $< $(B)/fuzz/replay/replay.o $(SRV_OBJECTS) \
	    -Wl,--start-group $(SRV_LIBS) -Wl,--end-group $(PKG_LIBS)

$(B)/fuzz/srv_%-fuzzer: $(B)/fuzz/srv_%.o $(SRV_OBJECTS) $(SRV_LIBS)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(SRV_OBJECTS) \
	    -Wl,--start-group $(SRV_LIBS) -Wl,--end-group $(PKG_LIBS)
