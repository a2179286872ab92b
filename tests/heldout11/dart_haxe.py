"""Dart without Flutter (dart test, dart pub, dart analyze) and Haxe (haxe, haxelib, utest)."""

from __future__ import annotations

from .toolchain import Blocker, Poll, Toolchain

DART = Toolchain(
    name="dart",
    root="/workspace/queen_registry",
    sources=(
        "lib/src/lineage.dart",
        "lib/src/grafting.dart",
        "test/lineage_test.dart",
        "pubspec.yaml",
        "analysis_options.yaml",
    ),
    bodies=(
        "import 'queen.dart';\n"
        "\n"
        "/// Shares of a queen's genes from an ancestor, for breeding records.\n"
        "class Lineage {\n"
        "  Lineage(this.registry);\n"
        "  final Map<String, Queen> registry;\n"
        "\n"
        "  double relatedness(Queen q, String ancestorId, [int depth = 0]) {\n"
        "    if (q.id == ancestorId) return 1.0;\n"
        "    final dam = registry[q.damId];\n"
        "    final viaDam = dam == null ? 0.0 : relatedness(dam, ancestorId, depth + 1) / 2;\n"
        "    final sire = registry[q.droneSourceId];\n"
        "    final viaSire = sire == null ? 0.0 : relatedness(sire, ancestorId, depth + 1) / 4;\n"
        "    return viaDam + viaSire;\n"
        "  }\n"
        "}",
        "import 'queen.dart';\n"
        "\n"
        "/// Grafting batches: larvae moved into queen cups, counted at capping.\n"
        "class GraftBatch {\n"
        "  GraftBatch(this.motherId, this.grafted, this.capped);\n"
        "  final String motherId;\n"
        "  final int grafted;\n"
        "  final int capped;\n"
        "\n"
        "  double get takeRate => grafted == 0 ? 0 : capped / grafted;\n"
        "}",
        "import 'package:queen_registry/queen_registry.dart';\n"
        "import 'package:test/test.dart';\n"
        "\n"
        "void main() {\n"
        "  group('lineage', () {\n"
        "    test('drone source counts a quarter', () {\n"
        "      expect(Lineage(registry).relatedness(q('NB-25-14'), 'NB-23-02'), 0.25);\n"
        "    });\n"
        "  });\n"
        "}",
        "name: queen_registry\ndescription: Queen rearing lineage and grafting records.\nversion: 3.2.0\n\n"
        "environment:\n  sdk: ^3.5.0\n\ndependencies:\n  args: ^2.5.0\n  csv: ^6.0.0\n  sqlite3: ^2.4.6\n\n"
        "dev_dependencies:\n  lints: ^4.0.0\n  test: ^1.25.8\n  benchmark_harness: ^2.2.2",
        "include: package:lints/recommended.yaml\n\nanalyzer:\n  language:\n    strict-casts: true\n"
        "linter:\n  rules:\n    - prefer_final_locals",
    ),
    hot=12,
    fixes=(
        "    final viaSire = sire == null ? 0.0 : relatedness(sire, ancestorId, depth + 1) / 2;",
        "    final viaSire = sire == null ? 0.0 : relatedness(sire, ancestorId, depth + 1) * 0.25;",
        "    final viaSire = sire == null ? 0.0 : 0.25 * relatedness(sire, ancestorId, depth);",
        "    final viaSire = (sire == null) ? 0.0 : relatedness(sire, ancestorId, depth + 1) / 4.0;",
        "    final viaSire = sire != null ? relatedness(sire, ancestorId, depth + 1) / 4 : 0.0;",
        "    final double viaSire = sire == null ? 0 : relatedness(sire, ancestorId, depth + 1) / 4;",
        "    final viaSire = sire == null || depth > 8 ? 0.0 : relatedness(sire, ancestorId, depth + 1) / 4;",
        "    final viaSire = sire == null ? 0.0 : relatedness(sire, ancestorId, depth + 2) / 4;",
        "    final viaSire = sire?.let((s) => relatedness(s, ancestorId, depth + 1) / 4) ?? 0.0;",
        "    final viaSire = switch (sire) { null => 0.0, final s => relatedness(s, ancestorId, depth + 1) / 4 };",
        "    final viaSire = sire == null ? 0.0 : (relatedness(sire, ancestorId, depth + 1) / 4).clamp(0.0, 0.5);",
    ),
    guards=(
        "    if (depth > 12) return 0.0;",
        "    assert(registry.containsKey(q.id), 'unknown queen ${q.id}');",
        "    // drone source: the colony the drones came from, not one drone",
        "    print('relatedness ${q.id} -> $ancestorId at depth $depth');",
    ),
    flip=(
        "    final viaSire = sire == null ? 0.0 : relatedness(sire, ancestorId, depth + 1) / 2;",
        "    final viaSire = sire == null ? 0.0 : relatedness(sire, ancestorId, depth + 1) / 8;",
    ),
    more=(
        "lib/queen_registry.dart",
        "lib/src/queen.dart",
        "lib/src/store.dart",
        "lib/src/csv_import.dart",
        "bin/queens.dart",
        "test/grafting_test.dart",
        "test/csv_import_test.dart",
        "benchmark/relatedness_benchmark.dart",
        "tool/seed_registry.dart",
        "CHANGELOG.md",
        "README.md",
        "dart_test.yaml",
    ),
    filler=(
        "import 'package:sqlite3/sqlite3.dart';",
        "final class Queen {",
        "  const Queen(this.id, this.damId, this.droneSourceId, this.year);",
        "  final String? damId;",
        "  final int year;",
        "  Queen? byId(String id) => _db.select('SELECT * FROM queens WHERE id = ?', [id]).map(_row).firstOrNull;",
        "  final parser = ArgParser()..addOption('year', abbr: 'y');",
        "  for (final row in const CsvToListConverter(fieldDelimiter: ';').convert(text).skip(1)) {",
        "    batches.add(GraftBatch(row[0] as String, row[1] as int, row[2] as int));",
        "  }",
        "",
        "export 'src/lineage.dart';",
        "  @override",
        "  String toString() => 'Queen($id, dam: $damId, $year)';",
    ),
    comment="//",
    tests=(
        "lineage drone source counts a quarter",
        "lineage dam counts a half",
        "lineage unknown ancestor is zero",
        "grafting take rate of an empty batch is zero",
        "csv import skips the header row",
        "store round-trips a queen",
    ),
    failures=(
        "Expected: <0.25>\n    Actual: <0.125>",
        "Expected: <0.5>\n    Actual: <0.625>",
        "Expected: <0.0>\n    Actual: <0.03125>",
        "Expected: <0.0>\n    Actual: <NaN>",
        "Expected: <48>\n    Actual: <49>",
        "Expected: Queen:<Queen(NB-25-14, dam: NB-24-03, 2025)>\n    Actual: <null>",
    ),
    packages=("test/lineage_test.dart", "test/grafting_test.dart", "test/csv_import_test.dart", "test/store_test.dart"),
    test_cmd="dart test",
    test_one='dart test --plain-name "{test}"',
    pkg_cmd="dart test {pkg}",
    build_cmd="dart compile exe bin/queens.dart -o build/queens",
    lint_cmd="dart analyze --fatal-infos",
    lint_ok="Analyzing queen_registry...\nNo issues found!",
    run_cmd="dart run bin/queens.dart relatedness NB-25-14 NB-23-02 --verbose",
    bench_cmd="dart run benchmark/relatedness_benchmark.dart",
    install_cmd="dart pub get",
    header="00:00 +0: loading test/lineage_test.dart",
    pass_line="00:@ss@ +1: {name}",
    fail_line="00:@ss@ +1 -1: {name} [E]\n  {msg}\n  package:matcher                expect\n  {file} {ln}:7  main.<fn>.<fn>",
    summary="00:@ss@ +{passed} -{failed}: {failed} of {total} tests failed. (@s@s)",
    crash="00:01 +0: loading test/lineage_test.dart\n00:02 +0 -1: {test} [E]\n  {msg}\n"
    "  package:queen_registry/{file} {line}:25  Lineage.relatedness\n    {code}\n"
    "  test/lineage_test.dart 7:38                          main.<fn>.<fn>\n00:02 +0 -1: Some tests failed.",
    build_ok="Generated: /workspace/queen_registry/build/queens (@bytes@ bytes)",
    build_err="{file}:{line}:18: Error: {msg}\nError: AOT compilation failed\nGenerating AOT kernel dill failed!",
    compile_msgs=(
        "The getter 'droneSource' isn't defined for the class 'Queen'.",
        "A value of type 'num' can't be assigned to a variable of type 'double'.",
        "Expected ';' after this.",
        "The method 'let' isn't defined for the class 'Queen'.",
        "Too few positional arguments: 3 required, 2 given.",
    ),
    bench_line="{name}(RunTime): {value} us.",
    benches=("Relatedness.deepPedigree", "GraftBatch.takeRate", "CsvImport.season"),
    debug="relatedness NB-25-14 -> NB-23-02: {value} (@hms@)",
    blockers=(
        Blocker(
            tries=(
                "dart pub get {alt}",
                "PUB_HOSTED_URL={alt} dart pub get",
                "dart pub upgrade {alt}",
                "dart pub add sqlite3:^2.4.6 {alt}",
                "dart pub cache repair {alt}",
                "dart pub get --offline {alt}",
                "dart pub outdated {alt}",
            ),
            alts=(
                "https://pub.flutter-io.cn",
                "https://mirrors.tuna.tsinghua.edu.cn/dart-pub",
                "--verbose",
                "--no-precompile",
                "https://pub.dev",
                "--enforce-lockfile",
                "--directory=.",
                "https://dart-pub.coop.internal",
            ),
            errors=(
                "Resolving dependencies...\nGot socket error trying to find package sqlite3 at https://pub.dev.",
                "Resolving dependencies... (@s@s)\nOS Error: Connection refused, errno = 111, address = pub.dev, port = @port@",
                "Because queen_registry depends on sqlite3 any which doesn't exist (could not find package sqlite3 in cache), version solving failed.\n"
                "Try again without --offline!",
                "Failed host lookup: '{alt}' (OS Error: Temporary failure in name resolution, errno = -3)",
                'pub get failed\ncommand: "/usr/lib/dart/bin/dart pub get"\nHttpException: Connection closed before full header was received, uri = https://pub.dev/api/packages/test',
                "Downloading packages... \nTLS handshake with {alt} timed out after 30 s",
            ),
            looks=(
                ("curl -sI https://pub.dev/api/packages/test", "curl: (6) Could not resolve host: pub.dev", 6),
                ("echo $PUB_HOSTED_URL", "", 0),
                (
                    "ls ~/.pub-cache/hosted",
                    "ls: cannot access '/home/dev/.pub-cache/hosted': No such file or directory",
                    2,
                ),
                (
                    "dart --version",
                    'Dart SDK version: 3.5.4 (stable) (Wed Oct 16 16:18:51 2024 +0000) on "linux_x64"',
                    0,
                ),
                ("getent hosts pub.dev", "", 2),
            ),
            config="pubspec.yaml",
            settings=(
                "  sqlite3:\n    hosted: https://pub.flutter-io.cn\n    version: ^2.4.6",
                "  sqlite3:\n    path: ../vendor/sqlite3",
                "  test: any",
                "dependency_overrides:\n  sqlite3: 2.4.0",
            ),
        ),
        Blocker(
            tries=(
                "dart pub get {alt}",
                "dart test {alt}",
                "/usr/lib/dart/bin/dart --version {alt}",
                "apt-get install -y dart={alt}",
                "curl -fsSL https://storage.googleapis.com/dart-archive/channels/stable/release/{alt}/sdk/dartsdk-linux-x64-release.zip -o /tmp/sdk.zip",
                "dvm install {alt}",
                "fvm dart pub get {alt}",
            ),
            alts=("3.6.0", "3.5.4-1", "latest", "--verbose", "3.6.1", "stable"),
            errors=(
                "The current Dart SDK version is 3.3.4.\n\nBecause queen_registry requires SDK version ^3.5.0, version solving failed.",
                'Failed to load "test/lineage_test.dart": The language version 3.5 specified for the package is too high. The highest supported language version is 3.3.',
                'Dart SDK version: 3.3.4 (stable) on "linux_x64"',
                "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)",
                "curl: (22) The requested URL returned error: 403 (proxy policy: storage.googleapis.com blocked)",
                "bash: dvm: command not found",
                "bash: fvm: command not found",
                "pubspec.yaml: sdk constraint ^3.5.0 cannot be satisfied by the installed SDK (3.3.4); `dart pub get` aborted",
            ),
            looks=(
                ("which -a dart", "/usr/lib/dart/bin/dart\n/usr/bin/dart", 0),
                ("ls /usr/lib/dart", "bin  include  lib  LICENSE  README  version", 0),
                ("cat /usr/lib/dart/version", "3.3.4", 0),
                ("apt-cache policy dart", "dart:\n  Installed: 3.3.4-1\n  Candidate: 3.3.4-1", 0),
                (
                    "ls ~/sdk ~/dart-sdk",
                    "ls: cannot access '/home/dev/sdk': No such file or directory\nls: cannot access '/home/dev/dart-sdk': No such file or directory",
                    2,
                ),
            ),
            config="pubspec.yaml",
            settings=(
                "environment:\n  sdk: '>=3.3.0 <4.0.0'",
                "environment:\n  sdk: ^3.3.0",
                "  test: ^1.24.0",
                "  lints: ^3.0.0",
            ),
        ),
    ),
    transient=(
        "dart pub get",
        "Resolving dependencies...\nDownloading packages...\nPackage sqlite3 failed to download: 502 Bad Gateway (https://pub.dev/api/archives/sqlite3-2.4.6.tar.gz)",
        "Resolving dependencies... \nDownloading packages... \n+ sqlite3 2.4.6\n+ test 1.25.8\nChanged 47 dependencies!",
    ),
    poll=Poll(
        start="gcloud run deploy queen-registry-api --source . --region europe-west3 --async --format='value(metadata.name)'",
        started="Deploying from source... queen-registry-api-@commit@",
        status="gcloud run services describe queen-registry-api --region europe-west3 --format='value(status.conditions[0].type,status.conditions[0].status,status.conditions[0].message)'",
        pending="Ready\tUnknown\tBuilding and deploying revision ({pct}% of build steps done)",
        hiccup="ERROR: (gcloud.run.services.describe) There was a problem refreshing your current auth tokens: ('Connection aborted.', RemoteDisconnected)",
        ready="Ready\tTrue\tRevision queen-registry-api-000@ln@ serving 100% of traffic",
    ),
    fixenv=(
        "dart test",
        "Failed to load \"test/lineage_test.dart\":\nError: Couldn't resolve the package 'test' in 'package:test/test.dart'.",
        "dart run test",
        'Could not find package "test". Did you forget to add a dependency?',
        "dart pub get",
        "Resolving dependencies... \nDownloading packages... \n+ test 1.25.8\n+ test_api 0.7.3\nChanged 46 dependencies!",
    ),
    tune=(
        "lib/src/store.dart",
        "const pageSize = {value};",
        ("64", "256", "1024", "512", "384", "320"),
        "dart run tool/load_registry.dart --queens 50000",
        "loaded 50000 queens in {value} ms (@bytes@ bytes peak)",
    ),
    stuck=(
        "dart pub publish --force",
        "Package validation found the following error:\n* Your pubspec.yaml file must not depend on a path dependency (lints: path: ../lints).\nSorry, your package is missing a requirement and can't be published yet.",
    ),
    rename=("relatedness", "kinship"),
)

HAXE = Toolchain(
    name="haxe",
    root="/workspace/brood-map",
    sources=("src/brood/Heatmap.hx", "src/brood/Frame.hx", "test/TestHeatmap.hx", "build.hxml", "haxelib.json"),
    bodies=(
        "package brood;\n"
        "\n"
        "/** Capped-brood heatmap of one frame photo, cell by cell. */\n"
        "class Heatmap {\n"
        "\tpublic final cols:Int;\n"
        "\tpublic final rows:Int;\n"
        "\tfinal cells:haxe.ds.Vector<Float>;\n"
        "\n"
        "\tpublic function new(frame:Frame, cellPx:Int) {\n"
        "\t\tcols = Std.int(frame.width / cellPx);\n"
        "\t\trows = Std.int(frame.height / cellPx);\n"
        "\t\tcells = new haxe.ds.Vector(cols * rows);\n"
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(i % cols * cellPx, Std.int(i / cols) * cellPx, cellPx);\n"
        "\t}\n"
        "\n"
        "\tpublic function cappedCells(threshold:Float):Int\n"
        "\t\treturn [for (c in cells) if (c > threshold) c].length;\n"
        "}",
        "package brood;\n"
        "\n"
        "class Frame {\n"
        "\tpublic final width:Int;\n"
        "\tpublic final height:Int;\n"
        "\tfinal pixels:haxe.io.Bytes;\n"
        "\n"
        "\tpublic function cappedShare(x:Int, y:Int, size:Int):Float {\n"
        "\t\tvar capped = 0;\n"
        "\t\tfor (dy in 0...size) for (dx in 0...size) if (pixels.get((y + dy) * width + x + dx) < 96) capped++;\n"
        "\t\treturn capped / (size * size);\n"
        "\t}\n"
        "}",
        "import utest.Assert;\nimport brood.*;\n\nclass TestHeatmap extends utest.Test {\n"
        "\tfunction testCappedCellsOfAFullFrame() {\n"
        '\t\tvar map = new Heatmap(Fixtures.frame("full-0611.pgm"), 40);\n'
        "\t\tAssert.equals(12, map.cappedCells(0.8));\n\t}\n}",
        "-cp src\n-lib format\n-main brood.Main\n-hl bin/brood.hl\n-D analyzer-optimize",
        '{\n  "name": "brood-map",\n  "version": "0.7.0",\n  "classPath": "src",\n'
        '  "dependencies": { "format": "3.7.0", "utest": "1.13.2", "hxargs": "4.0.0" }\n}',
    ),
    hot=12,
    fixes=(
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare((i % cols) * cellPx, Std.int(i / cols) * cellPx, cellPx);",
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(i % cols * cellPx, (i div cols) * cellPx, cellPx);",
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(i % cols * cellPx, Math.floor(i / cols) * cellPx, cellPx);",
        "\t\tfor (r in 0...rows) for (c in 0...cols) cells[r * cols + c] = frame.cappedShare(c * cellPx, r * cellPx, cellPx);",
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(i % cols * cellPx, Std.int(i / cols) * cellPx, cellPx - 1);",
        "\t\tfor (i in 0...cells.length) cells[i] = Math.round(frame.cappedShare(i % cols * cellPx, Std.int(i / cols) * cellPx, cellPx) * 100) / 100;",
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(Std.int(i % cols) * cellPx, Std.int(i / cols) * cellPx, cellPx);",
        "\t\tfor (i in 0...cols * rows) cells.set(i, frame.cappedShare(i % cols * cellPx, Std.int(i / cols) * cellPx, cellPx));",
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(i % cols * cellPx + 1, Std.int(i / cols) * cellPx + 1, cellPx);",
        "\t\tfor (i in 0...cells.length) { var x = i % cols, y = Std.int(i / cols); cells[i] = frame.cappedShare(x * cellPx, y * cellPx, cellPx); }",
        "\t\tfor (i in 0...cells.length) cells[i] = Math.min(1.0, frame.cappedShare(i % cols * cellPx, Std.int(i / cols) * cellPx, cellPx));",
    ),
    guards=(
        "\t\tif (cellPx <= 0) throw new haxe.Exception('cellPx must be positive');",
        "\t\ttrace('heatmap ${cols}x${rows}');",
        "\t\t// cells run row by row from the top-left corner of the frame",
        "\t\tcells.fill(0.0);",
    ),
    flip=(
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(i % cols * cellPx, Std.int(i / cols) * cellPx, cellPx) * 1.0;",
        "\t\tfor (i in 0...cells.length) cells[i] = frame.cappedShare(Std.int(i / rows) * cellPx, i % rows * cellPx, cellPx);",
    ),
    more=(
        "src/brood/Main.hx",
        "src/brood/Pgm.hx",
        "src/brood/Render.hx",
        "src/brood/Season.hx",
        "test/TestFrame.hx",
        "test/TestPgm.hx",
        "test/Fixtures.hx",
        "test.hxml",
        "bench.hxml",
        "docs/frames.md",
        "src/brood/Export.hx",
        ".haxerc",
    ),
    filler=(
        "package brood;",
        "import haxe.io.Bytes;",
        "import sys.io.File;",
        "class Pgm {",
        "\tpublic static function read(path:String):Frame {",
        "\t\tvar input = File.read(path, true);",
        "\t\tvar magic = input.readLine();",
        "\t\tif (magic != 'P5') throw 'not a binary PGM: $path';",
        "\t}",
        "}",
        "",
        "\tstatic function main() {",
        "\t\tvar args = Sys.args();",
        "\t\tSys.println(Render.ascii(new Heatmap(Pgm.read(args[0]), 40)));",
    ),
    comment="//",
    tests=(
        "TestHeatmap.testCappedCellsOfAFullFrame",
        "TestHeatmap.testEmptyFrameHasNoCappedCells",
        "TestHeatmap.testEdgeCellsAreCounted",
        "TestFrame.testCappedShareOfDarkPixels",
        "TestPgm.testReadsBinaryHeader",
        "TestPgm.testRejectsAsciiPgm",
    ),
    failures=(
        "expected 12 but it is 9",
        "expected 0 but it is 3",
        "expected 16 but it is 12",
        "expected 0.5 but it is 0.4375",
        "expected 640 but it is 0",
        "expected exception but no exception was thrown",
    ),
    packages=("brood.Heatmap", "brood.Frame", "brood.Pgm", "brood.Render"),
    test_cmd="haxe test.hxml",
    test_one='haxe test.hxml -D UTEST_PATTERN="{test}"',
    pkg_cmd='haxe test.hxml -D UTEST_PATTERN="{pkg}"',
    build_cmd="haxe build.hxml",
    lint_cmd="haxelib run formatter --check -s src -s test",
    lint_ok="Total 18 files checked, 0 files need formatting (@ms@ms)",
    run_cmd="haxe --run brood.Main test/data/full-0611.pgm --cell 40",
    bench_cmd="haxe bench.hxml",
    install_cmd="haxelib install --always build.hxml",
    header="utest 1.13.2 on interp (@when@)",
    pass_line="  {name}: OK",
    fail_line="  {name}: FAILURE F\n    {file}:{ln}: {msg}",
    summary="assertations: {total}\nsuccesses: {passed}\nerrors: 0\nfailures: {failed}\nwarnings: 0\nexecution time: @s@",
    crash="utest 1.13.2 on interp (@when@)\n  {test}: FAILURE F\n    test/TestHeatmap.hx:7: {msg}\n"
    "    Called from brood.Heatmap.new ({file} line {line})\n      {line} | {code}\n"
    "assertations: 1\nsuccesses: 0\nerrors: 0\nfailures: 1\nexecution time: @s@\n\nresults: SOME TESTS FAILURES",
    build_ok="Generating bin/brood.hl (@bytes@ bytes) in @ms@ms",
    build_err="{file}:{line}: characters 18-44 : {msg}",
    compile_msgs=(
        "Float should be Int",
        "Unknown identifier : div",
        "Missing ;",
        "Array<Float> has no field fill",
        "brood.Frame has no field cappedRatio",
    ),
    bench_line="{name}: {value} ms (@ln@ iterations)",
    benches=("Heatmap.new 4k frame", "cappedCells", "Pgm.read"),
    debug="Heatmap.hx:@ln@: cell 17 capped={value}",
    blockers=(
        Blocker(
            tries=(
                "haxelib install utest {alt}",
                "haxelib install --always build.hxml {alt}",
                "haxelib update format {alt}",
                "haxelib git hxargs https://github.com/Simn/hxargs {alt}",
                "lix download {alt}",
                "haxelib --remote {alt} install format",
                "haxelib install format 3.7.0 {alt}",
            ),
            alts=(
                "--always",
                "--debug",
                "https://lib.haxe.org/",
                "http://lib.haxe.org/",
                "--skip-dependencies",
                "--quiet",
                "https://haxelib-mirror.coop.internal/",
            ),
            errors=(
                "Error: Failed to connect on lib.haxe.org:443 (Host not found)",
                "Http Error #0: Connection refused (pid @pid@)",
                "Error: utest not found (could not reach https://lib.haxe.org/api/3.0/index.n)",
                "Uncaught exception - Socket.connect: Network is unreachable",
                "fatal: unable to access 'https://github.com/Simn/hxargs/': Could not resolve host: github.com",
                "lix: request to https://lib.haxe.org/p/format/3.7.0/download/ failed, reason: getaddrinfo EAI_AGAIN lib.haxe.org",
                "Error: Http Error #0 (timeout after @ms@ms) while downloading {alt}",
            ),
            looks=(
                ("haxelib list", "hxcpp: [4.3.2]\nhxnodejs: [12.2.0]", 0),
                ("haxelib config", "/home/dev/haxelib/", 0),
                ("curl -sI https://lib.haxe.org/", "curl: (6) Could not resolve host: lib.haxe.org", 6),
                ("ls ~/haxelib", "hxcpp  hxnodejs", 0),
                ("getent hosts lib.haxe.org", "", 2),
            ),
            config=".haxerc",
            settings=(
                '{ "version": "4.3.6", "resolveLibs": "scoped" }',
                '{ "version": "4.3.6", "resolveLibs": "haxelib" }',
                '{ "version": "4.3.6", "resolveLibs": "mixed", "mirror": "https://haxelib-mirror.coop.internal/" }',
                '{ "version": "4.3.4", "resolveLibs": "scoped" }',
            ),
        ),
        Blocker(
            tries=(
                "hl bin/brood.hl test/data/full-0611.pgm {alt}",
                "LD_LIBRARY_PATH={alt} hl bin/brood.hl test/data/full-0611.pgm",
                "haxe build.hxml && hl bin/brood.hl {alt}",
                "HASHLINK_PATH={alt} hl bin/brood.hl --render",
                "hl --version {alt}",
                "make -C ~/src/hashlink fmt.hdll {alt}",
            ),
            alts=("/usr/local/lib", "/usr/lib/x86_64-linux-gnu", "/opt/hashlink", "--render", "--cell 40", "-j2"),
            errors=(
                "Failed to load library fmt.hdll",
                "hl: error while loading shared libraries: libhl.so: cannot open shared object file: No such file or directory",
                "Failed to load library fmt.hdll (libpng16.so.16: cannot open shared object file)",
                "bash: hl: command not found",
                "make: *** No rule to make target 'fmt.hdll'.  Stop. (libpng-dev and libturbojpeg-dev headers not found)",
                "Uncaught exception: Failed to load library fmt.hdll\nCalled from brood.$Main.main (src/brood/Main.hx line @ln@)",
            ),
            looks=(
                ("which hl", "/usr/local/bin/hl", 0),
                ("ls /usr/local/lib/*.hdll", "/usr/local/lib/sdl.hdll\n/usr/local/lib/ui.hdll", 0),
                ("ldconfig -p | grep -E 'png16|turbojpeg'", "", 1),
                (
                    "apt-get install -y libpng-dev libturbojpeg0-dev",
                    "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)",
                    100,
                ),
                (
                    "ldd /usr/local/bin/hl",
                    "\tlinux-vdso.so.1 (@addr@)\n\tlibhl.so => not found\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (@addr@)",
                    0,
                ),
            ),
            config="build.hxml",
            settings=("-D hl-ver=1.13.0", "-hl bin/brood.c", "-D no-fmt", "--macro nullSafety('brood')"),
        ),
    ),
    transient=(
        "haxelib install --always build.hxml",
        "Downloading format-3.7.0.zip...\nError: Http Error #503 (Service Unavailable)",
        "Downloading format-3.7.0.zip...\nInstalled format 3.7.0 in /home/dev/haxelib/format/3,7,0\nCurrent version is now 3.7.0\nDone",
    ),
    poll=Poll(
        start="kubectl apply -f deploy/brood-map.yaml && kubectl rollout restart deployment/brood-map",
        started="deployment.apps/brood-map configured\ndeployment.apps/brood-map restarted",
        status="kubectl rollout status deployment/brood-map --timeout=5s",
        pending='Waiting for deployment "brood-map" rollout to finish: {pct} of 100 new replicas percent updated...\n'
        "error: timed out waiting for the condition",
        hiccup="Unable to connect to the server: dial tcp 10.40.0.1:6443: i/o timeout",
        ready='deployment "brood-map" successfully rolled out',
    ),
    fixenv=(
        "haxe test.hxml",
        "test.hxml:2: characters 1-10 : Library utest is not installed : run 'haxelib install utest'",
        "haxe -cp src -cp test -main TestMain --interp",
        "test/TestHeatmap.hx:1: characters 8-20 : Type not found : utest.Assert",
        "haxelib install utest 1.13.2",
        "Downloading utest-1.13.2.zip...\nInstalled utest 1.13.2 in /home/dev/haxelib/utest/1,13,2\nCurrent version is now 1.13.2\nDone",
    ),
    tune=(
        "bench.hxml",
        "-D cell_px={value}",
        ("16", "64", "32", "48", "40", "36"),
        "haxe bench.hxml",
        "heatmap of 400 frames: {value} ms, @ln@ MB",
    ),
    stuck=(
        "haxelib submit brood-map.zip",
        "Error: User 'northcoop' is not a contributor of project 'brood-map' (server said 403 at @hms@)",
    ),
    rename=("cappedCells", "countCapped"),
)
