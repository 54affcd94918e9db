"""deploy/jupyterhub/: the Zero to JupyterHub values, the single-user Dockerfile and their guide.

``config.yaml`` is checked the way helm checks it before rendering anything: merged over the
chart's defaults (``chart/values.yaml`` of Zero to JupyterHub 4.4.0; maps merged key by key, the
user's value wins, a user's ``null`` removes the key) and validated against the chart's schema
(``chart/values.schema.yaml``, JSON Schema draft 7), as the chart's own
``tools/validate-against-schema.py`` does. The other tests check what the schema cannot: the
memory values are ones KubeSpawner accepts, the start-time pull matches the README's nbgitpuller
link, the image holds only the student lock and leaves /home/jovyan empty, and the nbgrader
extensions turned off are the installed nbgrader's, turned off where Jupyter looks first.
"""

from __future__ import annotations

import copy
import importlib.metadata
import importlib.util
import json
import re
import shlex
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from jsonschema import Draft7Validator
from jupyterhub.traitlets import ByteSpecification
from traitlets import TraitError

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "jupyterhub"
CHART = DEPLOY / "chart"
HOME = "/home/jovyan"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def coalesce(defaults: dict, values: dict) -> dict:
    """helm's coalescing of user values over chart defaults: maps merge recursively, the user's
    value wins, a user's null deletes the key."""
    merged = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = coalesce(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


DEFAULTS = _yaml(CHART / "values.yaml")
CONFIG = _yaml(DEPLOY / "config.yaml")
VALUES = coalesce(DEFAULTS, CONFIG)
SINGLEUSER = VALUES["singleuser"]
VALIDATOR = Draft7Validator(_yaml(CHART / "values.schema.yaml"))


def _errors(config: dict) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(coalesce(DEFAULTS, config))]


def _with(path: str, value: object) -> dict:
    """CONFIG with the dotted key ``path`` set to ``value``."""
    config = copy.deepcopy(CONFIG)
    *parents, last = path.split(".")
    node = config
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return config


def test_coalesce_merges_like_helm() -> None:
    defaults = {"a": {"b": 1, "c": 2}, "d": 3, "e": [1]}
    assert coalesce(defaults, {"a": {"b": 10}, "d": None, "e": [2]}) == {"a": {"b": 10, "c": 2}, "e": [2]}
    assert defaults == {"a": {"b": 1, "c": 2}, "d": 3, "e": [1]}


def test_chart_defaults_validate() -> None:
    # The vendored pair belongs together: the chart's own CI validates values.yaml this way.
    assert _errors({}) == []


def test_config_validates_against_chart_schema() -> None:
    assert _errors(CONFIG) == []


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("singleuser.memroy", {"limit": "1G"}, "$.singleuser"),  # misspelled key
        ("singleuser.cpu.limit", "1", "$.singleuser.cpu.limit"),  # a string where a number belongs
        ("cull.timeout", "1h", "$.cull.timeout"),
        ("singleuser.image.tag", None, "$.singleuser.image"),  # null removes a required key
        ("singleuser.extraFiles.disable-nbgrader.mountPath", None, "$.singleuser.extraFiles"),
        ("singleuser.storage.type", "nfs", "$.singleuser.storage.type"),
    ],
)
def test_schema_rejects_mistakes(path: str, value: object, where: str) -> None:
    errors = _errors(_with(path, value))
    assert errors, f"{path}={value!r} passed validation"
    assert any(e.startswith(where) for e in errors), errors


def _bytes(quantity: object) -> int:
    """A memory value as KubeSpawner reads it (JupyterHub's ByteSpecification)."""
    return ByteSpecification().validate(None, quantity)


# Kubernetes' quantity syntax: a decimal number with a binary or decimal suffix or an exponent.
K8S_QUANTITY = re.compile(r"^(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$")


def test_memory_and_cpu_values() -> None:
    memory, cpu = SINGLEUSER["memory"], SINGLEUSER["cpu"]
    for value in memory.values():
        assert K8S_QUANTITY.match(str(value)), value
    assert _bytes(memory["guarantee"]) <= _bytes(memory["limit"])
    # "1Gi" is a Kubernetes quantity and passes the schema, but the hub cannot read it.
    with pytest.raises(TraitError, match="not a valid memory specification"):
        _bytes("1Gi")
    assert 0 < cpu["guarantee"] <= cpu["limit"]


PULL_LINK = re.compile(r"https://\S+/hub/user-redirect/git-pull\?[^\s`)\]>]+")


def _readme_pull_link() -> dict[str, str]:
    """The query of the nbgitpuller link in the top-level README."""
    links = PULL_LINK.findall((ROOT / "README.md").read_text())
    assert links, "README.md has no nbgitpuller link"
    queries = [{k: v[0] for k, v in parse_qs(urlsplit(link).query).items()} for link in links]
    assert all(q == queries[0] for q in queries), queries
    return queries[0]


def _gitpuller_args() -> list[str]:
    """The arguments of the gitpuller call in the postStart hook."""
    command = SINGLEUSER["lifecycleHooks"]["postStart"]["exec"]["command"]
    words = shlex.split(command[2]) if command[:2] == ["sh", "-c"] else command
    assert words[0] == "gitpuller", command
    return words[1 : words.index(">")] if ">" in words else words[1:]


def test_poststart_pulls_the_readme_link_s_repository_and_folder() -> None:
    link = _readme_pull_link()
    repo, branch, target = _gitpuller_args()
    assert repo == link["repo"]
    assert branch == link["branch"] == "student"
    # nbgitpuller's link pulls into <server root>/<targetpath, default: the repository's name>,
    # and the server's root is the home (the image's WORKDIR, where the volume is mounted).
    assert SINGLEUSER["storage"]["homeMountPath"] == HOME
    folder = link.get("targetpath", link["repo"].rstrip("/").split("/")[-1])
    assert PurePosixPath(target) == PurePosixPath(HOME, folder)
    assert link["urlpath"].startswith(f"lab/tree/{folder}/notebooks/")


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    lines = [ln for ln in (DEPLOY / "Dockerfile").read_text().splitlines() if not ln.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in text.splitlines() if ln.strip()]


def test_dockerfile_installs_the_student_lock_only() -> None:
    instructions = _dockerfile()
    copied = {}  # source -> path in the image
    for keyword, args in instructions:
        if keyword in ("COPY", "ADD"):
            *sources, dest = shlex.split(args)
            assert PurePosixPath(dest).is_absolute(), f"relative destination (lands in WORKDIR): {args}"
            assert not PurePosixPath(dest).is_relative_to(HOME), f"{HOME} is hidden by the volume: {args}"
            for source in sources:
                assert source.startswith("binder/"), f"only binder/ files belong in the image: {args}"
                copied[source] = dest + PurePosixPath(source).name if dest.endswith("/") else dest
    runs = " && ".join(args for keyword, args in instructions if keyword == "RUN")
    assert f"pip install --no-cache-dir --no-deps -r {copied['binder/requirements.txt']}" in runs
    assert not re.search(r"pip install[^&;|]*\s(-e|--editable)\b", runs), "no editable installs"
    assert ("WORKDIR", HOME) in instructions
    assert [args for keyword, args in instructions if keyword == "USER"][-1] in ("1000", "jovyan")
    assert "--uid 1000" in runs


def test_culling_is_on() -> None:
    cull = VALUES["cull"]
    assert cull["enabled"] is True
    assert 0 < cull["every"] < cull["timeout"]


def _disabled_extensions() -> tuple[PurePosixPath, dict[str, bool]]:
    extra = SINGLEUSER["extraFiles"]["disable-nbgrader"]
    return PurePosixPath(extra["mountPath"]), extra["data"]["ServerApp"]["jpserver_extensions"]


def test_disabled_nbgrader_extensions_are_the_installed_nbgrader_s() -> None:
    _, disabled = _disabled_extensions()
    assert set(disabled.values()) == {False}
    # The names nbgrader enables in the file it installs (etc/jupyter/jupyter_server_config.d/).
    dist = importlib.metadata.distribution("nbgrader")
    (shipped,) = [f for f in dist.files if f.as_posix().endswith("jupyter_server_config.d/nbgrader.json")]
    enabled = json.loads(dist.locate_file(shipped).read_text())["ServerApp"]["jpserver_extensions"]
    assert set(disabled) == set(enabled)
    package = Path(importlib.util.find_spec("nbgrader").origin).parent
    for name in disabled:
        assert (package.joinpath(*name.split(".")[1:]) / "__init__.py").is_file(), name


def test_mounted_file_turns_nbgrader_off_in_a_jupyter_server(tmp_path: Path, monkeypatch) -> None:
    # ServerApp.find_server_extensions reads jpserver_extensions with this manager over
    # jupyter_config_path(), which starts with JUPYTER_CONFIG_PATH.
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    mount, disabled = _disabled_extensions()
    config_path = PurePosixPath(SINGLEUSER["extraEnv"]["JUPYTER_CONFIG_PATH"])
    assert mount.parent == config_path / "jupyter_server_config.d" and mount.suffix == ".json"
    # The chart renders `data` as JSON for a .json mountPath; put it where the pod would have it.
    local = tmp_path / mount.relative_to("/")
    local.parent.mkdir(parents=True)
    local.write_text(json.dumps(SINGLEUSER["extraFiles"]["disable-nbgrader"]["data"]))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "user"))  # no ~/.jupyter of this machine

    def enabled() -> dict[str, bool]:
        found = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
        return {name: found.get(name) for name in disabled}

    assert set(enabled().values()) == {True}, "nbgrader's own config should enable them here"
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path / config_path.relative_to("/")))
    assert enabled() == disabled
