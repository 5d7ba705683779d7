"""CloudFormation: stacks that create KMS resources as AWS does, as the stack's caller."""
