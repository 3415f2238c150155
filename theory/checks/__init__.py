"""theory checks: modules here register checks with @maml_landscape.registry.check."""
