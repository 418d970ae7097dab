using System.Security.Cryptography;
using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Dashboard;

/// <summary>
/// The front-end libraries committed under src/Arbitrage.Node/wwwroot/vendor/ are exactly the packages pinned in
/// package.json / package-lock.json: the manifest the vendor script writes names each copy's package, version and
/// SHA-256; these tests re-hash the committed copies (CI also runs <c>npm run vendor -- --check</c> against node_modules).
/// </summary>
public sealed class VendoredLibrariesTests
{
    private static readonly string Vendor = Path.Combine(RepoPaths.Root, "src", "Arbitrage.Node", "wwwroot", "vendor");

    private static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static IReadOnlyList<(string File, string Package, string Version, string Sha256)> Manifest() =>
        Json(Path.Combine(Vendor, "manifest.json")).EnumerateArray()
            .Select(e => (e.GetProperty("file").GetString()!, e.GetProperty("package").GetString()!, e.GetProperty("version").GetString()!, e.GetProperty("sha256").GetString()!))
            .ToList();

    [Fact]
    public void Every_committed_copy_has_the_hash_the_manifest_recorded_from_the_pinned_package()
    {
        var manifest = Manifest();
        Assert.NotEmpty(manifest);
        foreach (var (file, package, version, sha) in manifest)
        {
            var path = Path.Combine(Vendor, file);
            Assert.True(File.Exists(path), $"{file} ({package}@{version}) is in the manifest but not committed");
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            Assert.True(actual == sha, $"{file}: sha256 {actual}, the manifest says {sha} for {package}@{version}: run npm ci && npm run vendor");
        }
    }

    [Fact]
    public void The_manifest_versions_are_the_exact_versions_pinned_in_package_json_and_its_lock()
    {
        var packageJson = Json(Path.Combine(RepoPaths.Root, "package.json")).GetProperty("devDependencies");
        var lockPackages = Json(Path.Combine(RepoPaths.Root, "package-lock.json")).GetProperty("packages");
        var manifest = Manifest();
        foreach (var name in new[] { "htmx.org", "lightweight-charts" })
        {
            var pinned = packageJson.GetProperty(name).GetString()!;
            Assert.Matches(@"^\d+\.\d+\.\d+$", pinned); // exact, no range
            Assert.Equal(pinned, lockPackages.GetProperty("node_modules/" + name).GetProperty("version").GetString());
            var copies = manifest.Where(m => m.Package == name).ToList();
            Assert.True(copies.Count >= 2, $"{name}: its built file and its licence must be vendored");
            Assert.All(copies, c => Assert.Equal(pinned, c.Version));
        }
    }

    [Fact]
    public void The_licences_ship_beside_the_libraries()
    {
        var files = Manifest().Select(m => m.File).ToHashSet();
        Assert.Contains("htmx.LICENSE.txt", files);
        Assert.Contains("lightweight-charts.LICENSE.txt", files);
        Assert.Contains("TradingView", File.ReadAllText(Path.Combine(Vendor, "lightweight-charts.LICENSE.txt")), StringComparison.Ordinal);
    }
}
