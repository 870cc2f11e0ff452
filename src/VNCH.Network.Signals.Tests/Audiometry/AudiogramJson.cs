using System.Text;
using System.Text.Json.Nodes;

namespace VNCH.Network.Signals.Tests.Audiometry;

/// <summary>Builds audiogram JSON documents for tests (made here, per the schema in docs/audiogram.md).</summary>
internal static class AudiogramJson
{
    public static JsonObject Document(JsonObject? right, JsonObject? left, string? birthDate = "2018-03-01", string testDate = "2026-11-20")
    {
        var ears = new JsonObject();
        if (right is not null)
        {
            ears["right"] = right;
        }

        if (left is not null)
        {
            ears["left"] = left;
        }

        var patient = new JsonObject { ["id"] = "VNCH-000123", ["issuer"] = "urn:oid:2.16.704.1.1" };
        if (birthDate is not null)
        {
            patient["birthDate"] = birthDate;
        }

        return new JsonObject
        {
            ["schemaVersion"] = "1.0",
            ["patient"] = patient,
            ["testDate"] = testDate,
            ["device"] = new JsonObject { ["manufacturer"] = "Example", ["model"] = "AD-1", ["calibrationDate"] = "2026-06-01", ["calibrationStandard"] = "ISO 389-1" },
            ["ears"] = ears,
        };
    }

    /// <summary>An ear with the same air threshold at 0.5/1/2/4 kHz (and 250, 8000), and optional bone thresholds.</summary>
    public static JsonObject Ear(double air, double? bone = null, bool boneMasked = true, JsonObject? tympanometry = null, params (int Hz, double Db)[] overrides)
    {
        var airList = new JsonArray();
        foreach (var f in new[] { 250, 500, 1000, 2000, 4000, 8000 })
        {
            var value = overrides.FirstOrDefault(o => o.Hz == f) is { Hz: > 0 } o ? o.Db : air;
            airList.Add(new JsonObject { ["frequencyHz"] = f, ["thresholdDbHl"] = value });
        }

        var ear = new JsonObject { ["airConduction"] = airList };
        if (bone is { } b)
        {
            var boneList = new JsonArray();
            foreach (var f in new[] { 500, 1000, 2000, 4000 })
            {
                boneList.Add(new JsonObject { ["frequencyHz"] = f, ["thresholdDbHl"] = b, ["masked"] = boneMasked });
            }

            ear["boneConduction"] = boneList;
        }

        if (tympanometry is not null)
        {
            ear["tympanometry"] = tympanometry;
        }

        return ear;
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
}
