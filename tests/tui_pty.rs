//! The real binary in a pseudo-terminal: `crm-migrate demo` walked through every step —
//! Connect, Discovery, a confirmed and saved field map, Schema (the demo playing the admin who
//! adds the missing stage, then the map proposed again), the Owners queue (the unmatched Deepak
//! Rao assigned from the filtered list), the dry run, the whole load with the orphan deal held,
//! and Verify — then quit; and Ctrl-C. The screen is read with
//! a VT100 parser; every wait is for text on screen, bounded, never a fixed sleep. Afterwards
//! the terminal must be back: the alternate screen left, the cursor shown.

use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crm_migrate::rsoft::Module;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Generous: the machine may be busy compiling.
const WAIT: Duration = Duration::from_secs(60);

struct Session {
    parser: vt100::Parser,
    /// Everything the program wrote.
    raw: Vec<u8>,
    output: Receiver<Vec<u8>>,
    input: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl Session {
    fn demo() -> Session {
        let home = tempfile::tempdir().unwrap();
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_crm-migrate"));
        cmd.arg("demo");
        cmd.cwd(home.path());
        // The run log goes under the data dir: keep it in the temp folder.
        cmd.env("HOME", home.path());
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let input = pair.master.take_writer().unwrap();
        Session {
            parser: vt100::Parser::new(30, 100, 0),
            raw: Vec::new(),
            output,
            input,
            child,
            _master: pair.master,
            _home: home,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Read output until the screen shows `text`.
    fn wait_for(&mut self, text: &str) {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text));
    }

    /// Read output until the screen no longer shows `text`.
    fn wait_gone(&mut self, text: &str) {
        self.wait_until(&format!("{text:?} gone"), |s| !s.contains(text));
    }

    fn wait_until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(&self.screen()) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "waited {WAIT:?} for {what}; the screen:\n{}",
                self.screen()
            );
            if let Ok(bytes) = self.output.recv_timeout(left) {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
            }
        }
    }

    fn press(&mut self, keys: &str) {
        self.input.write_all(keys.as_bytes()).unwrap();
        self.input.flush().unwrap();
    }

    /// Wait for the program to end; keep reading its output (the terminal restore comes last).
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            while let Ok(bytes) = self.output.try_recv() {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                // What was written just before the end.
                while let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(500)) {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the wizard did not quit:\n{}",
                self.screen()
            );
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(50)) {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
            }
        }
    }

    fn assert_restored(&self) {
        let leave = b"\x1b[?1049l";
        assert!(
            self.raw.windows(leave.len()).any(|w| w == leave),
            "the alternate screen was never left"
        );
        assert!(
            !self.parser.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(
            !self.parser.screen().hide_cursor(),
            "the cursor is still hidden"
        );
    }
}

/// The modules of the sample's field map, in the order `l` walks them: the sample has a file
/// for every module that holds records.
fn modules() -> impl Iterator<Item = &'static str> {
    Module::ALL
        .iter()
        .filter(|m| m.holds_records())
        .map(|m| m.as_str())
}

impl Session {
    /// On the Field map: accept every module's proposals at or above the threshold, then save.
    fn accept_every_module_and_save(&mut self) {
        for _ in modules() {
            self.press("h");
        }
        for module in modules() {
            self.wait_for(&format!("‹ {module} ›"));
            self.press("A");
            self.wait_for("accepted ");
            self.press("\x1b");
            self.wait_gone("accepted ");
            self.press("l");
        }
        self.press("s");
        self.wait_for("ℹ saved");
        self.wait_gone("unsaved");
        self.press("\x1b");
        self.wait_gone("ℹ saved");
    }
}

#[test]
fn demo_walks_every_step_to_a_verified_load_and_quits_restored() {
    let mut s = Session::demo();
    s.wait_for("[✓ Connect]");
    s.wait_for("credentials accepted");
    s.wait_for("251 values prove day-first");

    s.press("n");
    s.wait_for("Files (11)");
    s.wait_for("Grade");
    s.press("\r");
    s.wait_for("Esc: back");
    // Esc then a key at once would read as Alt-key: wait for Esc to take effect.
    s.press("\x1b");
    s.wait_gone("Esc: back");

    // Field map: confirm the map.
    s.press("n");
    s.wait_for("Source column");
    s.accept_every_module_and_save();

    // Schema: the admin's checklist; the demo plays the admin, then the account is re-read.
    s.press("n");
    s.wait_for("For the account's admin");
    s.wait_for("add stage(s) On Hold");
    s.press("A");
    s.wait_for("every mapped pipeline, stage and activity type exists");
    s.press("\x1b");
    s.wait_gone("(Esc)");
    // The stage exists now: propose the map again so deals' "On Hold" finds it, confirm, save.
    s.press("p");
    s.wait_for("Source column");
    s.press("r");
    // The proposal made again against the account as it is now is a working map, unsaved.
    s.wait_for("unsaved");
    s.accept_every_module_and_save();
    s.press("n");
    s.wait_for("For the account's admin");

    // Owners: Deepak Rao waits; the queue keeps the operator here; assign him from the list.
    s.press("n");
    s.wait_for("1 owner to assign");
    s.wait_for("Deepak Rao");
    s.press("n");
    s.wait_for("queue must be empty");
    s.press("\x1b");
    s.wait_gone("queue must be empty");
    s.press("\r");
    s.wait_for("type to filter");
    s.press("ravi");
    s.wait_for("1 of 5");
    s.press("\r");
    s.wait_for("all 5 owners have a Nutshell user");
    s.wait_for("(by owners.toml)");
    // The notice is drawn below the list, maybe in a later write: Esc must follow it, or Esc and
    // the next key can reach the terminal together and read as Alt-n.
    s.wait_for("(Esc)");
    s.press("\x1b");
    s.wait_gone("(Esc)");

    // Rehearse: the dry run, with the orphan deal that would be held.
    s.press("n");
    s.wait_for("d runs the dry run");
    s.press("d");
    s.wait_for("would be created");
    s.wait_for("DEAL-4014");

    // Load: live, to the end, the orphan deal held with its reason.
    s.press("n");
    s.wait_for("s starts the load");
    s.press("s");
    s.wait_for("✓ Finished");
    s.wait_for("every record settled");
    s.wait_for("DEAL-4014");
    s.wait_for("no company with this RSoft ID");

    // Verify: entering verifies.
    s.press("n");
    s.wait_for("✓ Verified");
    s.wait_for("[✓ Verify]");

    s.press("q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    s.assert_restored();
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let mut s = Session::demo();
    s.wait_for("Connect");
    s.press("\x03");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    s.assert_restored();
}
