namespace VNCH.Network.Dicom.Tests.Writing;

/// <summary>Asserts two data sets hold the same elements with the same decoded values, nested items included.</summary>
internal static class DatasetComparer
{
    public static void AssertEquivalent(DicomDataset expected, DicomDataset actual, bool ignoreGroupLengths = true)
    {
        var stack = new Stack<(DicomDataset Expected, DicomDataset Actual, string Path)>();
        stack.Push((expected, actual, string.Empty));
        while (stack.Count > 0)
        {
            var (e, a, path) = stack.Pop();
            var expectedElements = e.Where(x => !(ignoreGroupLengths && x.Tag.Element == 0)).ToList();
            var actualElements = a.Where(x => !(ignoreGroupLengths && x.Tag.Element == 0)).ToList();
            Assert.Equal(expectedElements.Select(x => x.Tag).Order(), actualElements.Select(x => x.Tag).Order());
            foreach (var x in expectedElements)
            {
                var y = a[x.Tag];
                var where = $"{path}{x.Tag}";
                // Encapsulated data is always written as OB (PS3.5 A.4), whatever the source said.
                Assert.True(x.VR == y.VR || (x.Fragments is not null && y.VR == DicomVR.OB), $"{where}: VR {x.VR} became {y.VR}");
                if (x.Items is { } items)
                {
                    Assert.True(items.Count == y.Items!.Count, $"{where}: {items.Count} items became {y.Items.Count}");
                    for (var i = 0; i < items.Count; i++)
                    {
                        stack.Push((items[i], y.Items[i], $"{where}[{i}]."));
                    }
                }
                else if (x.Fragments is { } fragments)
                {
                    Assert.Equal(fragments.Fragments.Select(f => f.Data.ToArray()), y.Fragments!.Fragments.Select(f => f.Data.ToArray()));
                }
                else if (DicomVRInfo.IsString(x.VR))
                {
                    Assert.True(e.GetStrings(x.Tag).SequenceEqual(a.GetStrings(x.Tag)), $"{where}: '{string.Join('\\', e.GetStrings(x.Tag))}' became '{string.Join('\\', a.GetStrings(x.Tag))}'");
                }
                else if (DicomVRInfo.BinaryItemSize(x.VR) > 0 && x.VR != DicomVR.AT)
                {
                    Assert.True(e.GetDoubles(x.Tag).SequenceEqual(a.GetDoubles(x.Tag)), $"{where}: numbers differ");
                }
                else
                {
                    var before = x.RawValue.ToArray();
                    var after = y.RawValue.ToArray();
                    if (e.IsBigEndian && x.VR == DicomVR.AT)
                    {
                        Assert.Equal(e.GetTags(x.Tag), a.GetTags(x.Tag));
                        continue;
                    }

                    // Odd-length binary values gain one NUL pad byte.
                    Assert.True(before.SequenceEqual(after.AsSpan(0, Math.Min(after.Length, before.Length)).ToArray()) && after.Length - before.Length is 0 or 1,
                        $"{where}: bytes differ");
                }
            }
        }
    }
}
