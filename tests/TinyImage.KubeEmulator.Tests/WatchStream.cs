using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>A raw watch: one HTTP response read line by line as <c>{"type":..,"object":..}</c> events.</summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public int StatusCode => (int)_response.StatusCode;

    public static async Task<WatchStream> OpenAsync(HttpClient http, string pathAndQuery)
    {
        var response = await http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, KubeHttp.Bounded());
        var stream = await response.Content.ReadAsStreamAsync(KubeHttp.Bounded());
        return new WatchStream(response, new StreamReader(stream));
    }

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<(string Type, JsonObject Object)?> NextAsync(TimeSpan? within = null)
    {
        var line = await _reader.ReadLineAsync(KubeHttp.Bounded(within ?? TimeSpan.FromSeconds(10)));
        if (line is null)
        {
            return null;
        }

        var e = JsonNode.Parse(line)!.AsObject();
        return ((string)e["type"]!, e["object"]!.AsObject());
    }

    /// <summary>The next <paramref name="count"/> events, skipping bookmarks.</summary>
    public async Task<List<(string Type, JsonObject Object)>> TakeAsync(int count)
    {
        var result = new List<(string, JsonObject)>();
        while (result.Count < count)
        {
            var e = await NextAsync() ?? throw new InvalidOperationException($"watch ended after {result.Count} of {count} events");
            if (e.Type != "BOOKMARK")
            {
                result.Add(e);
            }
        }

        return result;
    }

    /// <summary>Reads to the end of the stream and returns what came, failing if it does not end within the bound.</summary>
    public async Task<List<(string Type, JsonObject Object)>> ReadToEndAsync(TimeSpan? within = null)
    {
        var result = new List<(string, JsonObject)>();
        while (await NextAsync(within) is { } e)
        {
            result.Add(e);
        }

        return result;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
