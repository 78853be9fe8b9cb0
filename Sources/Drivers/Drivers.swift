// The Drivers module. See docs/architecture.md.
