"""``kosovo-kg completion bash|zsh|fish``: the shell code that completes kosovo-kg's commands."""

from __future__ import annotations

import argparse
import sys

from kosovo_kg.cli.options import in_any_case

SUMMARY = "Print the shell code that completes kosovo-kg's commands, options and stored questions."
DETAILS = (
    "Load it in the shell's start-up file, for example:\n"
    '  bash: eval "$(kosovo-kg completion bash)"    in ~/.bashrc\n'
    '  zsh:  eval "$(kosovo-kg completion zsh)"     in ~/.zshrc (after compinit)\n'
    "  fish: kosovo-kg completion fish | source     in ~/.config/fish/config.fish\n"
    "The completion itself is argcomplete's: the shell asks kosovo-kg for the words that fit."
)
SHELLS = ("bash", "zsh", "fish")


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("shell", type=in_any_case(SHELLS), choices=SHELLS, metavar="SHELL", help="bash, zsh or fish.")


def run(args: argparse.Namespace) -> int:
    import argcomplete

    sys.stdout.write(argcomplete.shellcode(["kosovo-kg"], shell=args.shell))
    return 0
