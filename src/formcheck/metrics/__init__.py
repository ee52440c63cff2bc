"""Pure-numpy measurement helpers shared by the analyses."""
