"""Runtime of planbot: settings, database, composition root, command line and channel adapters."""
