# Builds Earshot's Windows installers (MSI through WiX, and NSIS) on a Windows build host.
# Written, not built here: no machine of this project runs Windows. The CI job definition that
# runs it is .github/workflows/windows-installer.yml.
#
# Needs: Rust (stable, x86_64-pc-windows-msvc), Visual Studio Build Tools (C++), CMake, LLVM
# (libclang for whisper.cpp's bindings; set LIBCLANG_PATH), Node.js 20 with npm. The Tauri CLI
# is installed by this script; it fetches WiX and NSIS itself on first use.
#
#   pwsh installer/windows/build.ps1            # build
#   pwsh installer/windows/build.ps1 -Install   # build, then a silent install/uninstall check
param([switch]$Install)
$ErrorActionPreference = "Stop"
$root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $root

# Builds for other machines are not tied to this CPU (x86-64-v3 baseline; .cargo/config.toml).
$env:GGML_NATIVE = "OFF"
$env:CARGO_PROFILE_RELEASE_STRIP = "symbols"
$commit = (git rev-parse --short=12 HEAD).Trim()
$date = (git show -s --format=%cs HEAD).Trim()
$env:EARSHOT_BUILD = "$commit $date"

if (-not (Get-Command cargo-tauri -ErrorAction SilentlyContinue)) {
    cargo install tauri-cli --locked --version "^2"
}
foreach ($web in "ui", "hub-ui") {
    Push-Location $web
    npm ci --no-audit --no-fund
    npm run build
    Pop-Location
}

# The CLI goes into the installers beside the app (Tauri's externalBin wants the target triple
# in its name).
cargo build --release -p earshot-cli
New-Item -ItemType Directory -Force src-tauri\binaries | Out-Null
Copy-Item target\release\earshot.exe src-tauri\binaries\earshot-x86_64-pc-windows-msvc.exe
# Windows installers need an .ico: made from the app's PNG.
cargo tauri icon src-tauri\icons\icon.png --output src-tauri\icons
Push-Location src-tauri
cargo tauri build --bundles msi,nsis
Pop-Location

$msi = Get-ChildItem target\release\bundle\msi\*.msi | Select-Object -First 1
$nsis = Get-ChildItem target\release\bundle\nsis\*-setup.exe | Select-Object -First 1
Write-Host "MSI:  $($msi.FullName) $([math]::Round($msi.Length / 1MB, 1)) MB"
Write-Host "NSIS: $($nsis.FullName) $([math]::Round($nsis.Length / 1MB, 1)) MB"

if ($Install) {
    # Per-machine and silent, as Intune/SCCM/RMM run them.
    $p = Start-Process msiexec -ArgumentList "/i `"$($msi.FullName)`" /qn /l*v msi-install.log" -Wait -PassThru
    if ($p.ExitCode -ne 0) { throw "msiexec /i exited $($p.ExitCode) (see msi-install.log)" }
    $cli = "$env:ProgramFiles\Earshot\earshot.exe"
    & $cli --version
    if ($LASTEXITCODE -ne 0) { throw "earshot --version failed" }
    & $cli policy check "$env:ProgramFiles\Earshot\policy.toml.example"
    if ($LASTEXITCODE -ne 0) { throw "the shipped policy template does not check clean" }
    "retension_days = 30" | Set-Content "$env:TEMP\bad-policy.toml"
    & $cli policy check "$env:TEMP\bad-policy.toml"
    if ($LASTEXITCODE -ne 1) { throw "a broken policy was not refused" }
    $p = Start-Process msiexec -ArgumentList "/x `"$($msi.FullName)`" /qn" -Wait -PassThru
    if ($p.ExitCode -ne 0) { throw "msiexec /x exited $($p.ExitCode)" }
    if (Test-Path $cli) { throw "the CLI is still there after uninstall" }
    $p = Start-Process $nsis.FullName -ArgumentList "/S" -Wait -PassThru
    if ($p.ExitCode -ne 0) { throw "NSIS /S exited $($p.ExitCode)" }
    & $cli --version
    if ($LASTEXITCODE -ne 0) { throw "earshot --version failed after the NSIS install" }
}
