"""CloudTrail: every API call the emulator serves, recorded as a management event, and LookupEvents over them."""
