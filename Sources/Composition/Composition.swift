// The Composition module. See docs/architecture.md.
