"""STS: AssumeRole decided by the role's trust policy and the caller's IAM policies."""
