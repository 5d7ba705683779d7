"""AWS Organizations: member accounts, their access role, and service control policies."""
