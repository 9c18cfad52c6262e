# lwconsole: the ncurses console (docs/lwconsole.8).
$(eval $(call add_program,lwconsole,$(wildcard tui/*.c)))
