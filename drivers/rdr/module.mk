# drivers/rdr: the SMB2/3 client driver (rdr.so, loaded by lwiod).
#
# The SMB2 cryptography (signing, key derivation, preauth hash, encryption)
# is the server's drivers/srv/smb2/crypto.c, compiled into rdr.so as well:
# one implementation for both halves, and srv.so and rdr.so stay independent
# (a driver resolves its own symbols first, lwiod loads each RTLD_LOCAL).
RDR_SOURCES := $(sort $(wildcard drivers/rdr/*.c)) drivers/srv/smb2/crypto.c
$(eval $(call add_driver,rdr,$(RDR_SOURCES)))
$(B)/drivers/rdr.so: SW_LDFLAGS += -Wl,--no-as-needed $(OPENSSL_LIBS) -lpthread

# The response parsers' fuzz target links the wire code directly.
FUZZ_EXTRA_rdr_response := $(B)/drivers/rdr/wire.o
$(B)/fuzz/rdr_response-replay $(B)/fuzz/rdr_response-fuzzer: $(FUZZ_EXTRA_rdr_response)

# t/rdr-*.c unit tests link the driver's objects that do not need lwiod.
RDR_TEST_OBJECTS := $(B)/drivers/rdr/wire.o $(B)/drivers/rdr/creds.o
$(B)/t/rdr-%.t: $(B)/t/rdr-%.o $(B)/t/tap/tap.o $(RDR_TEST_OBJECTS) $(LIBRARY_FILES)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -rdynamic -o $@ $< $(B)/t/tap/tap.o $(RDR_TEST_OBJECTS) \
	    -Wl,--start-group $(LIBRARY_FILES) -Wl,--end-group $(PKG_LIBS)

# The open-file helper of t/rdr-smbd.t (see drivers/rdr/test/rdr-hold.c).
$(B)/t/rdr-hold: $(B)/drivers/rdr/test/rdr-hold.o $(LIBRARY_FILES)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -o $@ $< -Wl,--start-group $(LIBRARY_FILES) -Wl,--end-group $(PKG_LIBS)

# ... and the DCE/RPC-over-rdr helper (drivers/rdr/test/rdr-shares.c).
$(B)/t/rdr-shares: $(B)/drivers/rdr/test/rdr-shares.o $(LIBRARY_FILES)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -o $@ $< -Wl,--start-group $(LIBRARY_FILES) -Wl,--end-group $(PKG_LIBS)

check-build: $(B)/t/rdr-hold $(B)/t/rdr-shares
