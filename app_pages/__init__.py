"""Page modules of the Streamlit app (faces floor: the only place besides app.py that imports
streamlit). Pages show what the gridmap package computes and keep no analysis logic."""
