/* SDDL, the Security Descriptor Definition Language ([MS-DTYP] 2.5.1): the
 * text form of security descriptors that administrators write
 * ("O:BAG:BAD:(A;;FA;;;BA)(A;;0x1200a9;;;WD)") and that lwadmin shows.
 *
 * The common subset, both ways:
 *   - O:owner G:group D:flags(aces) S:flags(aces), in any order on input, each
 *     at most once; written in the order O, G, D, S;
 *   - ACL flags P (protected), AR (auto-inherit requested), AI (auto-inherited)
 *     and NO_ACCESS_CONTROL (a NULL ACL); "D:" alone is an empty DACL;
 *   - ACE types A, D, AU, AL and the object types OA, OD, OU, OL (with GUIDs);
 *     ACE flags OI CI NP IO ID SA FA (and CR); the resource attribute field
 *     is refused, as are conditional (callback) ACEs;
 *   - rights as a number (0x hex, or decimal) or concatenated two-letter codes:
 *     generic GA GR GW GX, standard RC SD WD WO, file FA FR FW FX, registry
 *     KA KR KW KX, directory RP WP CC DC LC SW LO DT CR;
 *   - SIDs as S-1-... or a two-letter alias: WD AN AU BA BU BG BO AO SO PO PU
 *     RE RD NO SY LS NS NU IU SU RC PS ED CO CG OW (and a few more, see sddl.c).
 * Whitespace between the parts and between ACEs is allowed on input.
 *
 * Written rights follow Windows: FA/FR/FW/FX for exactly those masks, else the
 * letter codes (by increasing bit, "SDGXGWGR") when every bit has one, else
 * lower-case hex ("0x1200a9"). ACE flags too go by increasing bit ("OICIIOID").
 * Control bits other than P/AR/AI and the resource-manager byte have no SDDL
 * form and are not carried. */
#ifndef SW_SDDL_H
#define SW_SDDL_H

#include "lib/ntstatus.h"
#include "lib/secdesc.h"

/* Longest SDDL text accepted (a 64 KiB ACL of the smallest ACEs is ~120 KiB). */
#define SDDL_MAX_LENGTH (1024 * 1024)

/* Parses text into sd (uninitialised; left empty on failure):
 * STATUS_INVALID_PARAMETER for bad syntax or unknown codes, STATUS_INVALID_SID
 * for a malformed S-1-... SID. */
NTSTATUS sddl_parse(const char *text, struct security_descriptor *sd);

/* A new malloc'd SDDL string for sd. STATUS_NOT_SUPPORTED if sd holds an ACE
 * that SDDL cannot express here (callback, label, resource attribute ACEs). */
NTSTATUS sddl_format(const struct security_descriptor *sd, char **text);

/* A SID alone: alias or S-1-... in, alias when one exists or S-1-... out (out
 * holds at least SID_STRING_MAX bytes). */
NTSTATUS sddl_parse_sid(const char *text, struct sid *sid);
void sddl_format_sid(const struct sid *sid, char *out, size_t out_size);

/* Rights alone ("FA", "0x1200a9", "RPWP"), as in an ACE string. */
NTSTATUS sddl_parse_rights(const char *text, uint32_t *mask);
/* out holds at least 64 bytes. */
void sddl_format_rights(uint32_t mask, char *out, size_t out_size);

#endif
