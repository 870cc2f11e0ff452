using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using VNCH.Network.Cli.Commands.Profiles;

namespace VNCH.Network.Cli.Commands.Remote;

/// <summary>The attempts the CLI makes for one request: transient failures (429, 5xx, lost connections) are retried with backoff.</summary>
public sealed record RetryOptions(int Retries, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static RetryOptions Default { get; } = new(5, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15));

    public TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after < MaxDelay ? after : MaxDelay;
        }

        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        var jittered = exponential * (0.8 + (Random.Shared.NextDouble() * 0.4)); // spread many clients' retries
        return TimeSpan.FromMilliseconds(Math.Min(jittered, MaxDelay.TotalMilliseconds));
    }
}

/// <summary>The public HTTP API as the CLI uses it: one HttpClient with the bearer token, retries on transient failures.</summary>
public sealed class VnchHttp : IDisposable
{
    private readonly HttpClient http;
    private readonly RetryOptions retry;

    public VnchHttp(ServerSettings settings, RetryOptions? retry = null)
        : this(settings.ServerUrl, settings.Connection.Token!, retry)
    {
    }

    public VnchHttp(string serverUrl, IAccessTokenSource token, RetryOptions? retry = null)
    {
        var transport = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        http = new HttpClient(new BearerTokenHandler(token) { InnerHandler = transport })
        {
            BaseAddress = new Uri(serverUrl.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromMinutes(10),
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("vnch", typeof(VnchHttp).Assembly.GetName().Version?.ToString() ?? "1"));
        this.retry = retry ?? RetryOptions.Default;
    }

    public string BaseUrl => http.BaseAddress!.ToString().TrimEnd('/');

    /// <summary>
    /// Sends the request <paramref name="build"/> makes (called again for every attempt, so bodies can be re-read);
    /// returns the first non-transient answer, or the last one / throws the last error once the retries are spent.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken, Action<string>? onRetry = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                using var request = build();
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                if (!IsTransient(response.StatusCode) || attempt >= retry.Retries)
                {
                    return response;
                }

                retryAfter = response.Headers.RetryAfter?.Delta
                    ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
                onRetry?.Invoke($"HTTP {(int)response.StatusCode}");
                response.Dispose();
            }
            catch (Exception ex) when (attempt < retry.Retries && !cancellationToken.IsCancellationRequested
                                       && ex is HttpRequestException or IOException or TaskCanceledException)
            {
                onRetry?.Invoke(ex.Message);
            }

            await Task.Delay(retry.Delay(attempt, retryAfter), cancellationToken);
        }
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>GETs a JSON document; a non-success answer becomes an <see cref="ApiException"/> with the problem's detail.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(path, cancellationToken);
        await ApiException.ThrowIfFailedAsync(response, cancellationToken);
        return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    public void Dispose() => http.Dispose();
}

/// <summary>Puts the current bearer token on every request (a profile's Entra token is renewed before it expires).</summary>
internal sealed class BearerTokenHandler(IAccessTokenSource token) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A non-success answer of the API, with the RFC 7807 problem's title and detail when there is one.</summary>
public sealed class ApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException(response.StatusCode, await DescribeAsync(response, cancellationToken));
        }
    }

    /// <summary>"404 Not Found: detail" from a problem+json body, or the status alone.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(body);
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString()
                : problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            return detail is null ? status : $"{status}: {detail}";
        }
        catch (JsonException)
        {
            return status;
        }
    }
}
