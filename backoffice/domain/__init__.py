"""Rules of the domain, one module each. Views and models call them; they never call views."""
