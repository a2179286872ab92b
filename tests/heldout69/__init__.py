"""The sixty-ninth held-out set: native-build loops (C extensions, Cython, Make, CMake, linkers) in real runs."""
