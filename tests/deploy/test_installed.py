"""festival as users install it: a wheel built from the repository's files, installed in a
fresh virtualenv outside the checkout, run from another directory; `deploy` included (into moto,
through a moto server), so the template must travel inside the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from festival_cli.cli.app import COMMANDS
from tests.aws.moto_world import FAKE_ENVIRONMENT, REGION
from tests.factories import document, record

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "cloudformation" / "template.yaml"
EXAMPLE = ROOT / "examples" / "lineup.json"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from the files git tracks (so a file left untracked cannot help)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(work / "dist"), str(source)], check=True, timeout=300)
    [built] = (work / "dist").glob("festival-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding the wheel; its dependencies are seen through a .pth line to
    this environment's site-packages (whose own .pth files, the editable checkout's among them,
    are not read from there)."""
    env = tmp_path_factory.mktemp("venv") / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "--quiet", str(wheel)], check=True, timeout=300)
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A directory with nothing of the checkout in it."""
    path = tmp_path / "elsewhere"
    path.mkdir()
    return path


def run(bin_dir: Path, cwd: Path, *args: str, env: dict[str, str] | None = None,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("FESTIVAL_", "AWS_", "PYTHON"))}
    environment.update({"NO_COLOR": "1", "HOME": str(cwd), **(env or {})})
    return subprocess.run([str(bin_dir / "festival"), *args], cwd=cwd, env=environment,
                          input=stdin.decode() if stdin is not None else None,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_wheel_carries_the_template_and_the_repository_holds_it_once(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("festival_cli/aws/template.yaml") == TEMPLATE.read_bytes()
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert [name for name in tracked if name.endswith("template.yaml")] == [
        "cloudformation/template.yaml"]


def test_the_installed_package_is_the_one_that_runs(installed: Path, elsewhere: Path) -> None:
    done = subprocess.run([str(installed / "python"), "-c",
                           "import festival_cli, lambda_handler; print(festival_cli.__file__)"],
                          cwd=elsewhere, capture_output=True, text=True, check=True)
    assert done.stdout.startswith(str(installed.parent)), done.stdout
    assert not done.stdout.startswith(str(ROOT))


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_comes_from_the_package_metadata(installed: Path, elsewhere: Path,
                                                 flag: str) -> None:
    from importlib.metadata import version

    done = run(installed, elsewhere, flag)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"festival {version('festival')}\n",
                                                          "")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_its_help(installed: Path, elsewhere: Path, command: str) -> None:
    done = run(installed, elsewhere, command, "--help")
    assert done.returncode == 0, done.stderr
    assert COMMANDS[command].split(":")[0][:40] in " ".join(done.stdout.split())


def test_the_local_commands_work_from_another_directory(installed: Path,
                                                       elsewhere: Path) -> None:
    db = str(elsewhere / "f.db")
    lineup = str(elsewhere / "lineup.json")
    shutil.copy(EXAMPLE, lineup)
    steps = [
        (("validate", lineup), 0),
        (("upload", "--db", db, lineup), 0),
        (("query", "--db", db, "--date", "2026-07-10", "--output", "json"), 0),
        (("status", "--db", db), 0),
        (("export", "--db", db, "--output", "ics"), 0),
        (("timetable", "--db", db, "--date", "2026-07-10", "--width", "120"), 0),
        (("diff", "--db", db, lineup), 0),
        (("cost", "--records-per-day", "1000"), 0),
    ]
    for args, code in steps:
        done = run(installed, elsewhere, *args)
        assert done.returncode == code, (args, done.stderr)
        assert "Traceback" not in done.stderr
    query = run(installed, elsewhere, "query", "--db", db, "--performer", "Aurora Fields",
                "--output", "json")
    assert [p["stage"] for p in json.loads(query.stdout)] == ["Main Stage"]


@pytest.fixture
def moto_endpoint(aws: None) -> Iterator[str]:
    """A moto server in this process (so the deploy tests' moto fixes apply to it too)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_deploy_works_from_the_installed_package(installed: Path, elsewhere: Path,
                                                 moto_endpoint: str) -> None:
    env = {**FAKE_ENVIRONMENT, "AWS_ENDPOINT_URL": moto_endpoint}
    deployed = run(installed, elsewhere, "deploy", "--stack", "fest", "--email",
                   "ops@example.org", "--poll-interval", "0", "--output", "json", env=env)
    assert deployed.returncode == 0, deployed.stderr
    outputs = json.loads(deployed.stdout)
    assert {"BucketName", "TableName", "FunctionName"} <= set(outputs)

    cloudformation = boto3.client("cloudformation", region_name=REGION,
                                  endpoint_url=moto_endpoint)
    body = cloudformation.get_template(StackName="fest")["TemplateBody"]
    assert (body if isinstance(body, str) else json.dumps(body)).strip() == \
        TEMPLATE.read_text().strip()

    upload = run(installed, elsewhere, "upload", "--stack", "fest", "--no-wait", "-",
                 env=env, stdin=document(record()))
    assert upload.returncode == 0, upload.stderr
    assert "ingestion" in upload.stdout
