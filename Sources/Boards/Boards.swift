// The Boards module. See docs/architecture.md.
