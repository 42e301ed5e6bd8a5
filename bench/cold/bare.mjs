// Cold-start baseline: a node process that loads nothing.
