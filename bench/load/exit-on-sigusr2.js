// Preloaded into a profiled gateway: SIGUSR2 exits normally, so `--cpu-prof` writes its profile
// (a process killed by a signal writes none, and Nest re-raises SIGTERM after its shutdown hooks).
process.once('SIGUSR2', () => process.exit(0));
