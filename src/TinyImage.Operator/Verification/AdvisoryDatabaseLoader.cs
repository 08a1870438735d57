using Microsoft.Extensions.Logging;
using TinyImage.Advisories;

namespace TinyImage.Operator.Verification;

/// <summary>Loads the advisory database from a mounted directory into an <see cref="AdvisoryDatabaseHolder"/>.</summary>
internal static partial class AdvisoryDatabaseLoader
{
    /// <summary>
    /// Loads <paramref name="directory"/> and sets it on success (true). A failure is logged and leaves the holder as it
    /// was (false): never an exception, so a missing mount cannot stop the operator.
    /// </summary>
    public static async Task<bool> LoadAsync(AdvisoryDatabaseHolder holder, string directory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holder);
        try
        {
            var database = await Task.Run(() => AdvisoryDatabase.LoadFromDirectoryAsync(directory, cancellationToken), cancellationToken).ConfigureAwait(false);
            holder.Set(database);
            Log.Loaded(logger, directory, database.Count, database.Revision);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AdvisoryFormatException)
        {
            Log.Failed(logger, directory, e.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Loaded the advisory database {Directory}: {Count} advisories, revision {Revision}")]
        public static partial void Loaded(ILogger logger, string directory, int count, string revision);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "Cannot load the advisory database {Directory}: {Error}")]
        public static partial void Failed(ILogger logger, string directory, string error);
    }
}
