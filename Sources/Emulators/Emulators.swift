// The Emulators module. See docs/architecture.md.
