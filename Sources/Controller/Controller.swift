// The Controller module. See docs/architecture.md.
