using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Dicom;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Ecg;

namespace VNCH.Network.Cli.Samples;

/// <summary>A made-up child: Vietnamese name (family, middle, given), sex, birth date and the study date.</summary>
public sealed record SamplePatient(string Id, string FamilyName, string MiddleName, string GivenName, Sex Sex, DateOnly BirthDate, DateTime StudyTime)
{
    /// <summary>The patient-id issuer of every sample, an OID in the project's 2.25 UID space.</summary>
    public static string Issuer { get; } = DicomUid.FromName("vnch-samples/patient-id-issuer");

    /// <summary>As written in Vietnam: family, middle, given.</summary>
    public string DisplayName => $"{FamilyName} {MiddleName} {GivenName}";

    /// <summary>DICOM PN: family^given, the middle name kept with the given name as Vietnamese names are said ("Nguyễn^Thị Ánh").</summary>
    public string DicomName => $"{FamilyName}^{MiddleName} {GivenName}";

    public DateOnly StudyDate => DateOnly.FromDateTime(StudyTime);

    public int AgeDays => PatientAge.DaysBetween(BirthDate, StudyDate);

    public AgeBand AgeBand => AgeBands.Of(BirthDate, AgeDays, StudyDate);

    /// <summary>DICOM Patient's Age: days under a month, weeks never, months under two years, else years.</summary>
    public DicomAge DicomAge => AgeDays switch
    {
        < 31 => new DicomAge(AgeDays, DicomAgeUnit.Days),
        < 731 => new DicomAge((int)(AgeDays / 30.4375), DicomAgeUnit.Months),
        _ => new DicomAge((int)(AgeDays / 365.25), DicomAgeUnit.Years),
    };

    public string FhirSex => Sex == Sex.Female ? "female" : "male";

    public string DicomSex => Sex == Sex.Female ? "F" : "M";
}

/// <summary>
/// Makes sample patients. Names follow Vietnamese usage: a family name (Nguyễn for about a third of people), a middle
/// name that for girls is often Thị, and a given name; every name has its diacritics, so every file tests UTF-8.
/// Ages are spread over the ICH E11 bands as the network reports them (<see cref="AgeBands"/>), newborns included.
/// </summary>
public static class SamplePatients
{
    private static readonly string[] FamilyNames =
        ["Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];

    private static readonly string[] BoyMiddleNames = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Gia", "Thành", "Đăng"];

    private static readonly string[] GirlMiddleNames = ["Thị", "Thị", "Ngọc", "Thu", "Bảo", "Khánh", "Diệu", "Phương"];

    private static readonly string[] BoyGivenNames = ["Bảo", "Cường", "Dũng", "Huy", "Khoa", "Long", "Lộc", "Nam", "Phúc", "Quân", "Sơn", "Tuấn", "Việt", "Khải"];

    private static readonly string[] GirlGivenNames = ["Ánh", "Chi", "Hà", "Hạnh", "Hoa", "Lan", "Linh", "Mai", "Ngân", "Nhi", "Thảo", "Trang", "Vy", "Yến"];

    /// <summary>Bands in the order samples cycle through them: (first day, last day) of each.</summary>
    private static readonly (int From, int To)[] BandDays =
    [
        (1, 27),          // newborn (ICH E11: term and preterm newborn infants, 0–27 days)
        (28, 700),        // infants and toddlers, 28 days to 23 months
        (731, 4300),      // children, 2 to 11 years
        (4400, 5800),     // adolescents 12 to 15
        (5900, 6500),     // adolescents 16 to 17
    ];

    /// <summary>The first study date of a sample set; later samples are a day apart.</summary>
    public static DateTime FirstStudy { get; } = new(2026, 11, 2, 8, 0, 0);

    /// <summary>Patient <paramref name="index"/> of a kind; <paramref name="minimumAgeDays"/> skips bands too young for the test.</summary>
    public static SamplePatient Make(Random random, string kind, int index, int minimumAgeDays = 0)
    {
        var bands = BandDays.Where(b => b.To >= minimumAgeDays).ToArray();
        var (from, to) = bands[index % bands.Length];
        var ageDays = random.Next(Math.Max(from, minimumAgeDays), to + 1);
        var sex = (index % 2 == 0) ? Sex.Female : Sex.Male;
        var female = sex == Sex.Female;
        var family = Pick(random, FamilyNames);
        var middle = Pick(random, female ? GirlMiddleNames : BoyMiddleNames);
        var given = Pick(random, female ? GirlGivenNames : BoyGivenNames);
        var studyTime = FirstStudy.AddDays(index).AddMinutes(random.Next(0, 9 * 60));
        var birth = DateOnly.FromDateTime(studyTime).AddDays(-ageDays);
        return new SamplePatient($"VNCH-{kind}-{index + 1:000}", family, middle, given, sex, birth, studyTime);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
