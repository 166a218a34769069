//! The errguard scanner as a library. Not implemented yet.
