//! The tree names no machine: no absolute home or work path in code, tests, docs or assets (a
//! path from one machine is wrong on every other).

use std::path::Path;

/// Every line of `path` (a file, or a folder read recursively) that names a machine path.
fn scan(path: &Path, found: &mut Vec<String>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            scan(&entry.unwrap().path(), found);
        }
        return;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return; // binary files (zips in the sample) hold no paths we wrote
    };
    // Spelled in pieces so this file does not match itself.
    let needles = [["/", "work", "/"], ["/", "home", "/"], ["/", "root", "/"]].map(|p| p.concat());
    for (n, line) in text.lines().enumerate() {
        if needles.iter().any(|needle| line.contains(needle.as_str())) {
            found.push(format!("{}:{}: {line}", path.display(), n + 1));
        }
    }
}

#[test]
fn no_absolute_machine_path_in_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for part in [
        "src",
        "tests",
        "docs",
        "assets",
        "bench",
        "README.md",
        "Cargo.toml",
        "config.example.toml",
    ] {
        scan(&root.join(part), &mut found);
    }
    assert!(
        found.is_empty(),
        "machine paths in the tree:\n{}",
        found.join("\n")
    );
    // The scan reads the notes it is meant to guard.
    assert!(root.join("docs/nutshell-api.md").is_file());
}
