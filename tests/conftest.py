import sys
from pathlib import Path

# tests/ helpers (fake servers, browser launcher) import as plain modules
sys.path.insert(0, str(Path(__file__).parent))
