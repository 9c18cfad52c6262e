# lwadmin: the administration CLI (command table in admin-cli/commands.c).
$(eval $(call add_program,lwadmin,$(wildcard admin-cli/*.c)))
