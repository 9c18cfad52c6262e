/* [MS-LSAT] translations: LsarLookupNames (1 to 4), LsarLookupSids (1 to 3)
 * and LsarGetUserName, over the machine's account domain, BUILTIN, and the
 * well-known SIDs the SAM knows (NT AUTHORITY\SYSTEM, Everyone, ...).
 *
 * Names: "alice", "MACHINE\alice", "alice@MACHINE", "BUILTIN\Users",
 * "Everyone", "NT AUTHORITY\SYSTEM"; a domain alone ("BUILTIN",
 * "BUILTIN\", "MACHINE") is the domain (SidTypeDomain, RID -1); the empty
 * name is BUILTIN, as Windows Server answers. SID strings are not names.
 * Every SID returned names its domain in the referenced domain list (none
 * for a SID of no known domain: DomainIndex -1).
 *
 * LookupNames4 and LookupSids3 take no policy handle: Windows serves them
 * only over TCP with a Netlogon secure channel, which Samewise does not
 * offer, and answers STATUS_ACCESS_DENIED on a named pipe; so do we
 * (smbtorture's rpc.lsa checks it). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsass/ldap/ldap_provider.h"
#include "lsass/lsarpc/lsarpc_private.h"

#define LSA_LOOKUP_MAX_DOMAINS 8 /* account domain, BUILTIN, NT AUTHORITY, S-1-1, S-1-2, S-1-3 ... */
#define RID_NONE 0xFFFFFFFFu     /* a domain's "RID" in a translated SID */

static const struct sid SID_NT_AUTHORITY = { 1, 0, { 0, 0, 0, 0, 0, 5 }, { 0 } };

/* The referenced domain list being built, and the names it knows. */
struct lookup {
    struct dcerpc_call *call;
    struct lsarpc_state *state;
    struct lsarpc_names names;
    struct LSAPR_REFERENCED_DOMAIN_LIST *domains;
    struct sid domain_sids[LSA_LOOKUP_MAX_DOMAINS];
};

struct translation {
    uint16_t use;
    struct sid sid;
    uint32_t rid;      /* RID_NONE for a domain */
    int32_t domain;    /* index in the list, or -1 */
    char *name;        /* LookupSids: the name (arena) */
};

static bool lookup_begin(struct lookup *l, struct dcerpc_call *call)
{
    memset(l, 0, sizeof *l);
    l->call = call;
    l->state = lsarpc_state_of(call);
    lsarpc_names_load(l->state, &l->names);
    l->domains = ndr_arena_alloc(dcerpc_call_arena(call), sizeof *l->domains);
    if (!l->domains)
        return false;
    l->domains->Domains = ndr_arena_array(dcerpc_call_arena(call), LSA_LOOKUP_MAX_DOMAINS,
                                          sizeof *l->domains->Domains);
    l->domains->MaxEntries = 32; /* what Windows reports */
    return l->domains->Domains != NULL;
}

/* The domain a SID is in, by name and SID; false if none is known. */
static bool domain_of(const struct lookup *l, const struct sid *sid, const char **name, struct sid *domain)
{
    uint32_t rid;
    if (l->names.have_sid && sid_split_rid(sid, &l->names.domain_sid, &rid)) {
        *name = l->names.account_domain;
        *domain = l->names.domain_sid;
        return true;
    }
    if (sid_split_rid(sid, &SID_BUILTIN, &rid)) {
        *name = "BUILTIN";
        *domain = SID_BUILTIN;
        return true;
    }
    if (sid_split_rid(sid, &SID_NT_AUTHORITY, &rid)) {
        *name = "NT AUTHORITY";
        *domain = SID_NT_AUTHORITY;
        return true;
    }
    /* Everyone (S-1-1-0), LOCAL (S-1-2-0), CREATOR OWNER (S-1-3-0): a
     * domain with no name, the authority alone. */
    if (sid->sub_authority_count == 1 && sid->authority[5] >= 1 && sid->authority[5] <= 3 &&
        !sid->authority[0] && !sid->authority[1] && !sid->authority[2] && !sid->authority[3] &&
        !sid->authority[4]) {
        *name = "";
        memset(domain, 0, sizeof *domain);
        domain->revision = 1;
        domain->authority[5] = sid->authority[5];
        return true;
    }
    return false;
}

/* The index of a domain in the list, added if new; -1 if it cannot be. */
static int32_t add_domain(struct lookup *l, const char *name, const struct sid *domain)
{
    for (uint32_t i = 0; i < l->domains->Entries; i++)
        if (sid_equal(&l->domain_sids[i], domain))
            return (int32_t)i;
    if (l->domains->Entries == LSA_LOOKUP_MAX_DOMAINS)
        return -1;
    uint32_t i = l->domains->Entries;
    struct LSAPR_TRUST_INFORMATION *t = &l->domains->Domains[i];
    if (!lsarpc_ustring(l->call, name, &t->Name) || !(t->Sid = ndr_sid_to_rpc(dcerpc_call_arena(l->call), domain)))
        return -1;
    l->domain_sids[i] = *domain;
    l->domains->Entries++;
    return (int32_t)i;
}

static void as_domain(struct lookup *l, const char *name, const struct sid *domain, struct translation *t)
{
    t->use = SidTypeDomain;
    t->sid = *domain;
    t->rid = RID_NONE;
    t->domain = add_domain(l, name, domain);
}

/* A domain named by name: the account domain (its NetBIOS name, or the
 * host's DNS name), BUILTIN, or NT AUTHORITY. */
static bool domain_by_name(const struct lookup *l, const char *name, size_t len, const char **canonical,
                           struct sid *domain)
{
    if (l->names.have_sid && ((strlen(l->names.account_domain) == len &&
                               strncasecmp(name, l->names.account_domain, len) == 0) ||
                              (l->names.dns_host[0] && strlen(l->names.dns_host) == len &&
                               strncasecmp(name, l->names.dns_host, len) == 0))) {
        *canonical = l->names.account_domain;
        *domain = l->names.domain_sid;
        return true;
    }
    if (len == 7 && strncasecmp(name, "BUILTIN", 7) == 0) {
        *canonical = "BUILTIN";
        *domain = SID_BUILTIN;
        return true;
    }
    if (len == 12 && strncasecmp(name, "NT AUTHORITY", 12) == 0) {
        *canonical = "NT AUTHORITY";
        *domain = SID_NT_AUTHORITY;
        return true;
    }
    return false;
}

static uint16_t use_of(enum sam_principal_type type)
{
    switch (type) {
    case SAM_PRINCIPAL_USER: return SidTypeUser;
    case SAM_PRINCIPAL_GROUP:
    case SAM_PRINCIPAL_BUILTIN_GROUP: return SidTypeAlias;
    case SAM_PRINCIPAL_WELL_KNOWN: return SidTypeWellKnownGroup;
    default: return SidTypeUnknown;
    }
}

/* Finishes a found account: its RID and its domain's index. */
static void as_account(struct lookup *l, const struct sid *sid, uint16_t use, struct translation *t)
{
    const char *dname;
    struct sid domain;
    t->use = use;
    t->sid = *sid;
    t->rid = sid->sub_authority_count ? sid->sub_authority[sid->sub_authority_count - 1] : 0;
    t->domain = domain_of(l, sid, &dname, &domain) ? add_domain(l, dname, &domain) : -1;
}

static void as_directory(struct lookup *l, const struct ldap_principal *dp, struct translation *t)
{
    t->use = dp->is_group ? SidTypeGroup : SidTypeUser;
    t->sid = dp->sid;
    t->rid = dp->sid.sub_authority[dp->sid.sub_authority_count - 1];
    t->domain = add_domain(l, dp->domain_name, &dp->domain_sid);
}

static void translate_name(struct lookup *l, const char *text, struct translation *t)
{
    memset(t, 0, sizeof *t);
    t->use = SidTypeUnknown;
    t->domain = -1;
    if (!text)
        return;
    if (!*text) { /* Windows Server: the empty name is BUILTIN */
        as_domain(l, "BUILTIN", &SID_BUILTIN, t);
        return;
    }
    const char *canonical;
    struct sid domain, sid;
    enum sam_principal_type type;
    /* A SID string is not a name (sam_principal_to_sid takes both). */
    if ((text[0] == 'S' || text[0] == 's') && text[1] == '-' && sid_parse(text, &sid) == STATUS_SUCCESS)
        return;
    char *qualified = NULL;
    const char *slash = strrchr(text, '\\');
    const char *at = slash ? NULL : strrchr(text, '@');
    if (slash && !slash[1]) { /* "DOMAIN\" */
        if (domain_by_name(l, text, (size_t)(slash - text), &canonical, &domain))
            as_domain(l, canonical, &domain, t);
        return;
    }
    if (at) { /* "alice@MACHINE": a user principal name of this machine */
        if (!domain_by_name(l, at + 1, strlen(at + 1), &canonical, &domain) ||
            !sid_equal(&domain, &l->names.domain_sid))
            return;
        size_t n = (size_t)(at - text);
        qualified = ndr_arena_alloc(dcerpc_call_arena(l->call), n + 1);
        if (!qualified)
            return;
        memcpy(qualified, text, n);
        text = qualified;
    }
    if (sam_principal_to_sid(l->state->ctx->reg, text, &sid, &type) == STATUS_SUCCESS &&
        type != SAM_PRINCIPAL_UNKNOWN) {
        as_account(l, &sid, use_of(type), t);
        return;
    }
    /* A directory account (docs/ldap.md), in the directory's domain. */
    struct ldap_principal dp;
    if (!at && ldap_principal_by_name(l->state->ctx->reg, text, &dp) == STATUS_SUCCESS) {
        as_directory(l, &dp, t);
        free(dp.name);
        return;
    }
    /* An isolated name that is no account may be a domain's. */
    if (!slash && !at && domain_by_name(l, text, strlen(text), &canonical, &domain))
        as_domain(l, canonical, &domain, t);
}

static void translate_sid(struct lookup *l, const struct RPC_SID *in, struct translation *t)
{
    memset(t, 0, sizeof *t);
    t->use = SidTypeUnknown;
    t->domain = -1;
    if (!ndr_sid_from_rpc(in, &t->sid))
        return;
    struct ndr_arena *arena = dcerpc_call_arena(l->call);
    const char *dname;
    struct sid domain;
    if ((l->names.have_sid && sid_equal(&t->sid, &l->names.domain_sid)) || sid_equal(&t->sid, &SID_BUILTIN)) {
        bool builtin = sid_equal(&t->sid, &SID_BUILTIN);
        struct sid copy = t->sid;
        as_domain(l, builtin ? "BUILTIN" : l->names.account_domain, &copy, t);
        t->name = ndr_arena_strdup(arena, builtin ? "BUILTIN" : l->names.account_domain);
        return;
    }
    char *name = NULL;
    enum sam_principal_type type;
    if (sam_sid_to_principal(l->state->ctx->reg, &t->sid, &name, &type) == STATUS_SUCCESS &&
        type != SAM_PRINCIPAL_UNKNOWN) {
        struct sid copy = t->sid;
        as_account(l, &copy, use_of(type), t);
        t->name = ndr_arena_strdup(arena, name);
        free(name);
        return;
    }
    free(name);
    struct ldap_principal dp;
    if (ldap_principal_by_sid(l->state->ctx->reg, &t->sid, &dp) == STATUS_SUCCESS) {
        as_directory(l, &dp, t);
        t->name = ndr_arena_strdup(arena, dp.name);
        free(dp.name);
        return;
    }
    /* Unknown: its domain if known, and the SID string as its name. */
    if (domain_of(l, &t->sid, &dname, &domain))
        t->domain = add_domain(l, dname, &domain);
    char text[SID_STRING_MAX];
    sid_format(&t->sid, text, sizeof text);
    t->name = ndr_arena_strdup(arena, text);
}

/* The access a lookup needs on its policy handle. */
static uint32_t check_handle(struct dcerpc_call *call, const struct policy_handle *h, uint32_t *status)
{
    uint32_t fault = 0;
    struct lsa_object *o = lsarpc_object(call, h, LSA_HANDLE_POLICY, &fault, status);
    if (!o)
        return fault;
    *status = (o->granted & POLICY_LOOKUP_NAMES) ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
    return 0;
}

static uint32_t mapped_status(uint32_t mapped, uint32_t count)
{
    if (count && mapped == 0)
        return STATUS_NONE_MAPPED;
    return mapped < count ? STATUS_SOME_NOT_MAPPED : STATUS_SUCCESS;
}

/* ---- LookupNames ---- */

static uint32_t lookup_names(struct dcerpc_call *call, struct LsarLookupNames *c, int version)
{
    uint32_t fault = check_handle(call, &c->PolicyHandle, &c->Result);
    c->ReferencedDomains = NULL;
    memset(&c->TranslatedSids, 0, sizeof c->TranslatedSids);
    memset(&c->TranslatedSidsEx, 0, sizeof c->TranslatedSidsEx);
    memset(&c->TranslatedSidsEx2, 0, sizeof c->TranslatedSidsEx2);
    c->MappedCount = 0;
    if (fault || c->Result != STATUS_SUCCESS)
        return fault;
    if (c->LookupLevel < 1 || c->LookupLevel > 6) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    struct ndr_arena *arena = dcerpc_call_arena(call);
    struct translation *out = ndr_arena_array(arena, c->Count ? c->Count : 1, sizeof *out);
    if (!out) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    struct lookup l;
    struct lsarpc_state *state = lsarpc_state_of(call);
    pthread_mutex_lock(&state->ctx->reg_lock);
    bool ok = lookup_begin(&l, call);
    for (uint32_t i = 0; ok && i < c->Count; i++) {
        const char *text = c->Names[i].Buffer || c->Names[i].Length ? lsarpc_text(call, &c->Names[i]) : "";
        translate_name(&l, text, &out[i]);
        if (out[i].use != SidTypeUnknown)
            c->MappedCount++;
    }
    pthread_mutex_unlock(&state->ctx->reg_lock);
    if (!ok) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    uint32_t n = c->Count;
    bool alloc_ok = true;
    if (version == 1) {
        c->TranslatedSids.Entries = n;
        alloc_ok = (c->TranslatedSids.Sids = ndr_arena_array(arena, n ? n : 1, sizeof *c->TranslatedSids.Sids));
        for (uint32_t i = 0; alloc_ok && i < n; i++)
            c->TranslatedSids.Sids[i] = (struct LSAPR_TRANSLATED_SID){ out[i].use, out[i].rid, out[i].domain };
    } else if (version == 2) {
        c->TranslatedSidsEx.Entries = n;
        alloc_ok = (c->TranslatedSidsEx.Sids = ndr_arena_array(arena, n ? n : 1, sizeof *c->TranslatedSidsEx.Sids));
        for (uint32_t i = 0; alloc_ok && i < n; i++)
            c->TranslatedSidsEx.Sids[i] = (struct LSAPR_TRANSLATED_SID_EX){ out[i].use, out[i].rid, out[i].domain, 0 };
    } else {
        c->TranslatedSidsEx2.Entries = n;
        alloc_ok = (c->TranslatedSidsEx2.Sids = ndr_arena_array(arena, n ? n : 1, sizeof *c->TranslatedSidsEx2.Sids));
        for (uint32_t i = 0; alloc_ok && i < n; i++) {
            struct LSAPR_TRANSLATED_SID_EX2 *s = &c->TranslatedSidsEx2.Sids[i];
            s->Use = out[i].use;
            s->DomainIndex = out[i].domain;
            if (out[i].use != SidTypeUnknown && !(s->Sid = ndr_sid_to_rpc(arena, &out[i].sid)))
                alloc_ok = false;
        }
    }
    if (!alloc_ok) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    c->ReferencedDomains = l.domains;
    c->Result = mapped_status(c->MappedCount, n);
    return 0;
}

LSARPC_HANDLER(LookupNames) { return lookup_names(call, r, 1); }
LSARPC_HANDLER(LookupNames2) { return lookup_names(call, r, 2); }
LSARPC_HANDLER(LookupNames3) { return lookup_names(call, r, 3); }
LSARPC_HANDLER(LookupNames4)
{
    struct LsarLookupNames *c = r;
    memset(&c->TranslatedSidsEx2, 0, sizeof c->TranslatedSidsEx2);
    c->ReferencedDomains = NULL;
    c->MappedCount = 0;
    c->Result = STATUS_ACCESS_DENIED; /* no secure channel (above) */
    return 0;
}

/* ---- LookupSids ---- */

static uint32_t lookup_sids(struct dcerpc_call *call, struct LsarLookupSids *c)
{
    uint32_t fault = check_handle(call, &c->PolicyHandle, &c->Result);
    c->ReferencedDomains = NULL;
    memset(&c->TranslatedNames, 0, sizeof c->TranslatedNames);
    c->MappedCount = 0;
    if (fault || c->Result != STATUS_SUCCESS)
        return fault;
    if (c->LookupLevel < 1 || c->LookupLevel > 6) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    uint32_t n = c->SidEnumBuffer.Count;
    if (n && !c->SidEnumBuffer.Sids) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    struct ndr_arena *arena = dcerpc_call_arena(call);
    struct translation *out = ndr_arena_array(arena, n ? n : 1, sizeof *out);
    struct LSAPR_TRANSLATED_NAME_EX *names = ndr_arena_array(arena, n ? n : 1, sizeof *names);
    if (!out || !names) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    struct lookup l;
    struct lsarpc_state *state = lsarpc_state_of(call);
    pthread_mutex_lock(&state->ctx->reg_lock);
    bool ok = lookup_begin(&l, call);
    for (uint32_t i = 0; ok && i < n; i++) {
        translate_sid(&l, c->SidEnumBuffer.Sids[i].Sid, &out[i]);
        if (out[i].use != SidTypeUnknown)
            c->MappedCount++;
    }
    pthread_mutex_unlock(&state->ctx->reg_lock);
    for (uint32_t i = 0; ok && i < n; i++) {
        names[i].Use = out[i].use;
        names[i].DomainIndex = out[i].domain;
        ok = lsarpc_ustring(call, out[i].name ? out[i].name : "", &names[i].Name);
    }
    if (!ok) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    c->TranslatedNames.Entries = n;
    c->TranslatedNames.Names = names;
    c->ReferencedDomains = l.domains;
    c->Result = mapped_status(c->MappedCount, n);
    return 0;
}

LSARPC_HANDLER(LookupSids) { return lookup_sids(call, r); }
LSARPC_HANDLER(LookupSids2) { return lookup_sids(call, r); }
LSARPC_HANDLER(LookupSids3)
{
    struct LsarLookupSids *c = r;
    memset(&c->TranslatedNames, 0, sizeof c->TranslatedNames);
    c->ReferencedDomains = NULL;
    c->MappedCount = 0;
    c->Result = STATUS_ACCESS_DENIED; /* no secure channel (above) */
    return 0;
}

/* ---- GetUserName: who the caller is ---- */

LSARPC_HANDLER(GetUserName)
{
    struct LsarGetUserName *c = r;
    const struct access_token *t = dcerpc_call_token(call);
    struct lsarpc_state *state = lsarpc_state_of(call);
    char *user = NULL;
    const char *domain = "NT AUTHORITY";
    struct lsarpc_names names;
    pthread_mutex_lock(&state->ctx->reg_lock);
    lsarpc_names_load(state, &names);
    /* domain may point into l's copy of the names: l lives as long as it. */
    struct lookup l = { .names = names };
    if (!t || t->is_anonymous) {
        user = strdup("ANONYMOUS LOGON");
    } else {
        enum sam_principal_type type = SAM_PRINCIPAL_UNKNOWN;
        if (sam_sid_to_principal(state->ctx->reg, &t->user, &user, &type) != STATUS_SUCCESS) {
            free(user);
            user = NULL;
        }
        const char *dname;
        struct sid dsid;
        if (user && domain_of(&l, &t->user, &dname, &dsid))
            domain = dname;
        if (!user) { /* an account the SAM does not name: its SID */
            char text[SID_STRING_MAX];
            sid_format(&t->user, text, sizeof text);
            user = strdup(text);
            domain = "";
        }
    }
    pthread_mutex_unlock(&state->ctx->reg_lock);
    struct ndr_arena *arena = dcerpc_call_arena(call);
    struct RPC_UNICODE_STRING *u = ndr_arena_alloc(arena, sizeof *u);
    bool ok = user && u && lsarpc_ustring(call, user, u);
    if (ok && c->DomainName) {
        struct RPC_UNICODE_STRING *d = ndr_arena_alloc(arena, sizeof *d);
        ok = d && lsarpc_ustring(call, domain, d);
        *c->DomainName = d;
    }
    free(user);
    c->UserName = ok ? u : NULL;
    c->Result = ok ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    return 0;
}
