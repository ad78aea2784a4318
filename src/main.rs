use std::process::ExitCode;

fn main() -> ExitCode {
    crm_migrate::cli::main()
}
