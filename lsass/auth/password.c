/* Logons with a clear-text password and password changes: what the PAM
 * module asks lsassd for. The providers apply their account policy; this
 * file adds what the network path adds around them: the per-account gate
 * and the failed-logon delay (lsa_failed_logon_delay, the rule both paths
 * share), so a local guesser gets no more tries than a remote one. */
#include "lsass/auth/auth.h"


uint32_t lsa_failed_logon_delay(NTSTATUS status, const struct lsa_settings *settings)
{
    return !NT_SUCCESS(status) && status != STATUS_ACCOUNT_LOCKED_OUT ? settings->failed_logon_delay_ms : 0;
}

NTSTATUS lsa_password_logon(struct lsa_provider *const *providers, size_t count,
                            const struct lsa_settings *settings, const char *user, const char *password,
                            struct lsa_logon_result *result)
{
    struct lsa_gate_entry *gate = NULL;
    NTSTATUS status = lsa_gate_enter(user, settings->max_delayed_logons, &gate);
    if (!NT_SUCCESS(status))
        return status;
    status = STATUS_NO_SUCH_USER;
    for (size_t i = 0; i < count && status == STATUS_NO_SUCH_USER; i++) {
        if (providers[i]->ops->password_logon) {
            lsa_logon_result_clear(result);
            status = providers[i]->ops->password_logon(providers[i], settings, user, password, result);
        }
    }
    if (status == STATUS_WRONG_PASSWORD)
        status = STATUS_LOGON_FAILURE;
    /* An unknown name pays the delay too: a guesser must not tell names
     * from wrong passwords by the time the answer takes. */
    lsa_gate_leave(gate, lsa_failed_logon_delay(status, settings), settings->max_delayed_logons);
    if (!NT_SUCCESS(status))
        lsa_logon_result_clear(result);
    return status;
}

NTSTATUS lsa_account_check(struct lsa_provider *const *providers, size_t count,
                           const struct lsa_settings *settings, const char *user)
{
    NTSTATUS status = STATUS_NO_SUCH_USER;
    for (size_t i = 0; i < count && status == STATUS_NO_SUCH_USER; i++)
        if (providers[i]->ops->account_check)
            status = providers[i]->ops->account_check(providers[i], settings, user);
    return status;
}

NTSTATUS lsa_change_password(struct lsa_provider *const *providers, size_t count,
                             const struct lsa_settings *settings, const char *user, const char *old_password,
                             const char *new_password, const struct audit_actor *actor, const char **why)
{
    struct lsa_gate_entry *gate = NULL;
    NTSTATUS status = lsa_gate_enter(user, settings->max_delayed_logons, &gate);
    if (!NT_SUCCESS(status))
        return status;
    status = STATUS_NO_SUCH_USER;
    for (size_t i = 0; i < count && status == STATUS_NO_SUCH_USER; i++)
        if (providers[i]->ops->change_password)
            status = providers[i]->ops->change_password(providers[i], settings, user, old_password, new_password,
                                                        actor, why);
    /* Only a password check that failed is a guess worth slowing down; a
     * refused new password (policy) checked the old one successfully. */
    uint32_t delay = status == STATUS_WRONG_PASSWORD || (status == STATUS_NO_SUCH_USER && old_password)
                         ? settings->failed_logon_delay_ms
                         : 0;
    lsa_gate_leave(gate, delay, settings->max_delayed_logons);
    return status;
}
