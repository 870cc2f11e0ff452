#!/usr/bin/env bash
# Installs the Bicep compiler into .ci/tools/bicep (git-ignored) from its NuGet package, the one registry that serves it
# here. Prints the path of the bicep binary. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
version="${BICEP_VERSION:-0.49.2}"
tools="$PWD/tools"
bin="$tools/bicep/$version/bicep"
if [[ ! -x "$bin" ]]; then
  work="$tools/bicep-restore"
  mkdir -p "$work"
  # A throwaway project outside the solution's build settings: PackageDownload fetches the package without referencing it.
  cat > "$work/restore.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$version]" />
  </ItemGroup>
</Project>
XML
  dotnet restore "$work/restore.csproj" --packages "$work/packages" -p:ImportDirectoryBuildProps=false --nologo -v quiet >&2
  found=$(find "$work/packages" -type f -name bicep | head -n 1)
  [[ -n "$found" ]] || { echo "bicep binary not found in Azure.Bicep.CommandLine.linux-x64 $version" >&2; exit 1; }
  mkdir -p "$(dirname "$bin")"
  cp "$found" "$bin"
  chmod +x "$bin"
fi
echo "$bin"
