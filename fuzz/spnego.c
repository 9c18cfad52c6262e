/* Fuzz target: the SPNEGO/DER parser and the security context behind it.
 * Every parsed field is read back (so ASan sees any pointer outside the
 * input), a parsed negTokenResp is re-encoded and parsed again, and the input
 * is fed to a fresh security context as its first token and, if it asks for
 * more, as its second. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/auth/auth.h"
#include "lsass/spnego/spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(struct spnego_bytes b)
{
    for (size_t i = 0; i < b.len; i++)
        sink ^= b.data[i];
}

static void run_context(const uint8_t *data, size_t size)
{
    static struct lsa_settings settings;
    static bool have_settings;
    if (!have_settings) {
        lsa_settings_default(&settings);
        have_settings = true;
    }
    struct lsa_context *ctx = lsa_context_new(NULL, 0, &settings);
    struct lsa_accept_result result;
    lsa_accept_result_init(&result);
    if (ctx && lsa_context_accept(ctx, data, size, &result) == STATUS_MORE_PROCESSING_REQUIRED)
        lsa_context_accept(ctx, data, size, &result);
    lsa_accept_result_clear(&result);
    lsa_context_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spnego_token token;
    run_context(data, size);
    if (spnego_parse(data, size, &token) != STATUS_SUCCESS)
        return 0;
    if (token.type == SPNEGO_NEG_TOKEN_INIT) {
        for (size_t i = 0; i < token.init.mech_count; i++)
            touch(token.init.mechs[i]);
        touch(token.init.mech_types_der);
        if (token.init.has_mech_token)
            touch(token.init.mech_token);
        if (token.init.has_mech_list_mic)
            touch(token.init.mech_list_mic);
        return 0;
    }
    touch(token.resp.supported_mech);
    touch(token.resp.response_token);
    touch(token.resp.mech_list_mic);
    struct buf b;
    struct spnego_token again;
    buf_init(&b);
    spnego_write_neg_token_resp(&b, &token.resp);
    if (wr_ok(&b) && spnego_parse(b.data, b.len, &again) != STATUS_SUCCESS)
        abort(); /* what we write, we must be able to read */
    buf_free(&b);
    return 0;
}
