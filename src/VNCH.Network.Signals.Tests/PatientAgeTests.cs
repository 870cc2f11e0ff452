namespace VNCH.Network.Signals.Tests;

public sealed class PatientAgeTests
{
    [Theory]
    [InlineData("010D", 10)]
    [InlineData("003W", 21)]
    [InlineData("006M", 182)]  // 6 × 30.4375 = 182.6
    [InlineData("012Y", 4383)] // 12 × 365.25
    [InlineData("000D", 0)]
    public void Dicom_age_strings_become_completed_days(string value, int days) =>
        Assert.Equal(days, PatientAge.ParseDicomAgeString(value));

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("012X")]
    [InlineData("abcD")]
    public void Bad_dicom_age_strings_are_rejected(string value)
    {
        var error = Assert.Throws<SignalFormatException>(() => PatientAge.ParseDicomAgeString(value));
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Days_between_birth_and_study_count_leap_days()
    {
        Assert.Equal(366, PatientAge.DaysBetween(new DateOnly(2024, 1, 1), new DateOnly(2025, 1, 1)));
        Assert.Equal(0, PatientAge.DaysBetween(new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 25)));
        Assert.Throws<ArgumentException>(() => PatientAge.DaysBetween(new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 24)));
    }
}
