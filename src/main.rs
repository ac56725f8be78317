//! The `votelab` command: everything happens in `votelab::cli`.

fn main() -> std::process::ExitCode {
    votelab::cli::main()
}
