"""IAM: who is calling, and the one policy engine every service's authorisation uses."""
