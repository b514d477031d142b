"""Build hook: the wheel carries the CloudFormation template, so an installed festival deploys.

`cloudformation/template.yaml` stays the one copy in the repository (cfn-lint and checkov check
it there); building the package copies it to `festival_cli/aws/template.yaml` inside the wheel,
where `festival_cli.aws.deploy` reads it with importlib.resources. Everything else about the
build is declared in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATE = Path("cloudformation", "template.yaml")
PACKAGED = Path("festival_cli", "aws", "template.yaml")


class BuildWithTemplate(build_py):
    """build_py, plus the template copied into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / PACKAGED
        self.mkpath(str(target.parent))
        self.copy_file(str(TEMPLATE), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), str(Path(self.build_lib) / PACKAGED)]


setup(cmdclass={"build_py": BuildWithTemplate})
