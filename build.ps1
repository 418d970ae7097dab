#!/usr/bin/env pwsh
# Thin wrapper over dotnet; every command it runs is also shown in README.md so nobody needs PowerShell.
#   ./build.ps1 restore | build | test | bench [filter] | run [node args] | publish
param(
    [Parameter(Position = 0)][ValidateSet('restore', 'build', 'test', 'bench', 'run', 'publish')][string]$Target = 'build',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Dotnet([string[]]$DotnetArgs) {
    Write-Host "dotnet $($DotnetArgs -join ' ')"
    & dotnet @DotnetArgs
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Target) {
    'restore' { Invoke-Dotnet @('restore', 'Arbitrage.sln') }
    'build'   { Invoke-Dotnet @('build', 'Arbitrage.sln', '-c', 'Release') }
    'test'    { Invoke-Dotnet @('test', 'Arbitrage.sln', '-c', 'Release') }
    'bench'   {
        $filter = if ($Rest.Count -gt 0) { $Rest } else { @('--filter', '*') }
        Invoke-Dotnet (@('run', '-c', 'Release', '--project', 'tests/Arbitrage.Benchmarks', '--') + $filter)
    }
    'run'     { Invoke-Dotnet (@('run', '--project', 'src/Arbitrage.Node', '--') + $Rest) }
    'publish' {
        Invoke-Dotnet @('publish', 'src/Arbitrage.Node', '-c', 'Release', '-o', 'artifacts/publish/node')
        # arbctl ReadyToRun (src/Arbitrage.Cli/Arbitrage.Cli.csproj): a cold replay starts in a fraction of the time.
        Invoke-Dotnet @('publish', 'src/Arbitrage.Cli', '-c', 'Release', '-r', 'linux-x64', '-o', 'artifacts/publish/arbctl')
    }
}
