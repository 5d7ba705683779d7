"""Authentication: who signed a request, checked as AWS checks it (signature, scope, time, payload, token)."""
