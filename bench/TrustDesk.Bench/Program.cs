Console.WriteLine("The load driver is being written; see docs/benchmarks.md.");
