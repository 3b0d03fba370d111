"""Demo data at any size, made through the services the pages use."""
