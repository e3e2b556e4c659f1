"""programs/ holds the scripts the MPI tests launch under mpiexec: whole programs that run
when imported, so pytest (with --doctest-modules) must not collect them."""
collect_ignore_glob = ["programs/*.py"]
