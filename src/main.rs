//! The `votelab` command: everything happens in `votelab::cli`.

/// Large arrays on huge pages, where the system allows it (see `votelab::sim::huge_pages`).
#[global_allocator]
static ALLOCATOR: votelab::sim::huge_pages::HugePageAllocator = votelab::sim::huge_pages::HugePageAllocator;

fn main() -> std::process::ExitCode {
    votelab::cli::main()
}
